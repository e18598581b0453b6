export { ExecutionPage } from './ExecutionPage';
