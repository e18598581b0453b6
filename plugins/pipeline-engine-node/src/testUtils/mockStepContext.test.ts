import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { createStepHandler } from '../stepHandler';
import { createMockStepContext, runMockStep } from './mockStepContext';

const echoStep = createStepHandler({
  type: 'Echo',
  description: 'echoes',
  idempotent: true,
  spec: z.object({ text: z.string(), tokenSecret: z.string().optional() }),
  async handler(ctx) {
    ctx.logger.info(ctx.spec.text);
    ctx.logger.write('stderr', 'raw');
    if (ctx.spec.tokenSecret) {
      ctx.output('token', await ctx.secrets.get(ctx.spec.tokenSecret), {
        secret: true,
      });
    }
    ctx.output('text', ctx.spec.text);
    if (ctx.spec.text === 'fail') throw new Error('asked to fail');
  },
});

describe('runMockStep', () => {
  it('runs the handler with the parsed spec and records what it did', async () => {
    const run = await runMockStep(
      echoStep,
      { text: 'hi', tokenSecret: 'account.tok' },
      { secrets: { tok: 'v4lue' } },
    );
    expect(run.error).toBeUndefined();
    expect(run.logLines()).toEqual(['info: hi', 'stderr: raw']);
    expect(run.logText()).toBe('hi\nraw');
    expect(run.outputs).toEqual({ token: 'v4lue', text: 'hi' });
    expect(run.secretOutputs).toEqual(['token']);
    expect(run.masked).toEqual(['v4lue']);
  });

  it('returns the spec error naming the field, without running the handler', async () => {
    const run = await runMockStep(echoStep, { text: 3 });
    expect(run.error?.name).toBe('InputError');
    expect(run.error?.message).toBe(
      'spec.text: Expected string, received number',
    );
    expect(run.log).toEqual([]);
  });

  it('returns what the handler threw, and an unknown secret as an InputError', async () => {
    expect((await runMockStep(echoStep, { text: 'fail' })).error?.message).toBe(
      'asked to fail',
    );
    const missing = await runMockStep(echoStep, {
      text: 'x',
      tokenSecret: 'org.nope',
    });
    expect(missing.error?.name).toBe('InputError');
    expect(missing.error?.message).toBe('secret "org.nope" is not configured');
  });
});

describe('createMockStepContext', () => {
  it('lays the workspace out as the engine does and takes overrides', () => {
    const mock = createMockStepContext({
      spec: {},
      step: { identifier: 'build' },
      execution: { triggeredBy: { identity: 'user:default/joe' } },
    });
    expect(existsSync(mock.ctx.workspace)).toBe(true);
    expect(basename(mock.ctx.workspace)).toBe('main');
    expect(mock.ctx.step.fqn).toBe(
      'pipeline.stages.main.spec.execution.steps.build',
    );
    expect(mock.ctx.execution).toMatchObject({
      id: 'exec-1',
      triggeredBy: { identity: 'user:default/joe' },
    });
  });
});
