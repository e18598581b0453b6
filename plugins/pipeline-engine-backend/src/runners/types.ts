// The runner contract lives in the node library so that backend modules can
// provide a container runner (pipelineEngineRunnersExtensionPoint).
export type {
  ContainerOptions,
  ProcessIo,
  ProcessPaths,
  ProcessRequest,
  ProcessResult,
  StepRunner,
} from '@idp-pipelines/plugin-pipeline-engine-node';
