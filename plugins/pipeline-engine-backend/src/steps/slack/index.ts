export { createSlackNotifyStep, slackText } from './slackNotify';
export type { SlackNotifyStepOptions } from './slackNotify';
