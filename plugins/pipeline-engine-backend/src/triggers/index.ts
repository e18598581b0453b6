export { parseCronSchedule, CronScheduleError } from './cronSchedule';
export type { CronSchedule, CronScheduleSpec } from './cronSchedule';
export { ScheduledTriggerFirer } from './ScheduledTriggerFirer';
export type {
  ScheduledTriggerFirerOptions,
  FirePassResult,
} from './ScheduledTriggerFirer';
