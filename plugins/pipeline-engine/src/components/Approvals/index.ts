export { ApprovalsPage } from './ApprovalsPage';
export { ExecutionApprovalsPanel } from './ExecutionApprovalsPanel';
