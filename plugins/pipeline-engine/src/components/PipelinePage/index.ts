export { PipelinePage } from './PipelinePage';
