export { PipelineEngineRouter } from './Router';
