import type { ExpressionContext } from './context';
import { createExpressionContext } from './context';
import { ExpressionEngine } from './engine';
import { SEED_SNAPSHOT } from './testFixtures';
import { SecretReference, secretRef } from './values';

const engine = new ExpressionEngine();

describe('createExpressionContext', () => {
  it('defines only the roots the scope provides', () => {
    const atPipeline = createExpressionContext(SEED_SNAPSHOT);
    expect([...(atPipeline.rootNames?.() ?? [])]).toEqual([
      'pipeline',
      'account',
      'org',
      'project',
      'trigger',
    ]);
    expect(atPipeline.lookup('stage')).toBeUndefined();
    const inGroup = createExpressionContext(SEED_SNAPSHOT, {
      stageId: 'serviceonboarding',
      stepGroupPath: ['group1'],
      stepId: 'build',
      matrix: { a: 1 },
    });
    expect([...(inGroup.rootNames?.() ?? [])]).toEqual([
      'pipeline',
      'stage',
      'execution',
      'steps',
      'stepGroup',
      'step',
      'account',
      'org',
      'project',
      'matrix',
      'trigger',
    ]);
  });

  it('marks Secret-type variables and keeps the snapshot untouched', () => {
    const ctx = createExpressionContext(SEED_SNAPSHOT, {
      stageId: 'serviceonboarding',
    });
    const pipeline = ctx.lookup('pipeline') as {
      variables: Record<string, unknown>;
    };
    expect(pipeline.variables.slack_token).toEqual(
      new SecretReference('account.slack_bot_token'),
    );
    expect(SEED_SNAPSHOT.pipeline.variables?.slack_token).toBe(
      'account.slack_bot_token',
    );
  });

  it('accepts <+secrets.getValue("id")> as the value of a Secret variable', () => {
    const ctx = createExpressionContext({
      pipeline: { variables: { token: '<+secrets.getValue("org.tok")>' } },
      secrets: { 'org.tok': 'T0K' },
      secretVariables: { pipeline: ['token'] },
    });
    expect(engine.render('<+pipeline.variables.token>', ctx)).toEqual({
      value: 'T0K',
      text: 'T0K',
      secrets: ['T0K'],
    });
  });

  it('reads secrets by own key only', () => {
    const ctx = createExpressionContext(SEED_SNAPSHOT);
    expect(ctx.getSecret('plain_secret')).toBe('s3cr3t');
    expect(ctx.getSecret('constructor')).toBeUndefined();
    expect(ctx.getSecret('toString')).toBeUndefined();
  });

  it('describes a step that is not in the snapshot yet by its identifier', () => {
    const ctx = createExpressionContext(SEED_SNAPSHOT, {
      stageId: 'serviceonboarding',
      stepId: 'later',
    });
    expect(
      engine.render('<+step.identifier>-<+step.retryCount>', ctx).text,
    ).toBe('later-0');
  });

  it('falls back to the stage when the step group path does not exist', () => {
    const ctx = createExpressionContext(SEED_SNAPSHOT, {
      stageId: 'serviceonboarding',
      stepGroupPath: ['missing'],
    });
    expect(engine.render('<+steps.createrepo.status>', ctx).value).toBe(
      'Success',
    );
    expect(ctx.lookup('stepGroup')).toBeUndefined();
  });

  it('prefers explicit org/project identifiers over the pipeline ones', () => {
    const ctx = createExpressionContext({
      ...SEED_SNAPSHOT,
      orgIdentifier: 'o2',
      projectIdentifier: 'p2',
    });
    expect(
      engine.render('<+org.identifier>/<+project.identifier>', ctx).text,
    ).toBe('o2/p2');
  });
});

describe('a hand-written ExpressionContext', () => {
  it('works with the engine, including secret references', () => {
    const ctx: ExpressionContext = {
      lookup: root =>
        root === 'pipeline'
          ? { variables: { a: 'A', s: secretRef('x') } }
          : undefined,
      getSecret: ref => (ref === 'x' ? 'shh' : undefined),
    };
    expect(
      engine.render('<+pipeline.variables.a>-<+pipeline.variables.s>', ctx),
    ).toEqual({
      value: 'A-shh',
      text: 'A-shh',
      secrets: ['shh'],
    });
    expect(() => engine.render('<+pipelne.x>', ctx)).toThrow(
      'did you mean "pipeline"?',
    );
  });
});
