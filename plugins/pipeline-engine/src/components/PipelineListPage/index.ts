export { PipelineListPage } from './PipelineListPage';
