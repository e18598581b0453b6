export { createCookieCutterStep, type CookieCutterStepOptions } from './step';
