// The SCM contract lives in the node library so that backend modules can
// implement providers (pipelineEngineScmExtensionPoint).
export type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmProviderKind,
  ScmRepositoryRef,
  ScmRequestContext,
} from '@idp-pipelines/plugin-pipeline-engine-node';
