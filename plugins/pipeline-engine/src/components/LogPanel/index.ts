export { LogPanel } from './LogPanel';
export type { LogPanelProps } from './LogPanel';
