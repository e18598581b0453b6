import { InputError } from '@backstage/errors';
import {
  parseDuration,
  waitStepDefinition,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';

/** `Wait`: waits for `duration` (`30s`, `10m`, `1h 30m`), ending early on abort or timeout. */
export const waitStep = createStepHandler({
  ...waitStepDefinition,
  async handler(ctx) {
    const ms = parseDuration(ctx.spec.duration);
    if (ms === undefined) {
      throw new InputError(
        `spec.duration ${JSON.stringify(ctx.spec.duration)} is not a duration such as 30s or 10m`,
      );
    }
    ctx.logger.info(`waiting ${ctx.spec.duration}`);
    if (ms === 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
  },
});
