export { StatusLabel } from './StatusLabel';
export { durationOf, formatDuration, formatTime } from './time';
export { usePipelineLinks } from './links';
