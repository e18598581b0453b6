/*
 * Expression cases written from Harness's documented behaviour
 * (harness-semantics.md §3) against a snapshot of the seed pipeline.
 */
import type { ExpressionScope } from './context';
import { createExpressionContext } from './context';
import { ExpressionEngine } from './engine';
import { ExpressionError } from './errors';
import { SEED_SNAPSHOT, seedContext } from './testFixtures';

const engine = new ExpressionEngine();
const lenient = new ExpressionEngine({ mode: 'lenient' });

const IN_STAGE: ExpressionScope = {
  stageId: 'serviceonboarding',
  stepId: 'slacknotify',
};
const IN_GROUP1: ExpressionScope = {
  stageId: 'serviceonboarding',
  stepGroupPath: ['group1'],
  stepId: 'build',
};
const IN_GROUP2: ExpressionScope = {
  stageId: 'serviceonboarding',
  stepGroupPath: ['group1', 'group2'],
  stepId: 'deploy',
};
const IN_LOOP: ExpressionScope = {
  ...IN_STAGE,
  matrix: { os: 'linux', node: 18 },
  repeat: { item: 'us-east-1', items: ['us-east-1', 'eu-west-1'] },
  strategy: { iteration: 2, iterations: 3 },
  env: { name: 'dev' },
};

const ctxFor = (scope: ExpressionScope = IN_STAGE) =>
  createExpressionContext(SEED_SNAPSHOT, scope);
const STEPS = '<+pipeline.stages.serviceonboarding.spec.execution.steps';

/** Error thrown by `fn`, asserted to be an ExpressionError. */
function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('pipeline, stage and step expressions', () => {
  test.each<[string, unknown]>([
    ['<+pipeline.name>', 'Self-Service-flow-repo-setup'],
    ['<+pipeline.identifier>', 'SelfServiceflowreposetup'],
    ['<+pipeline.executionId>', 'exec-9f2'],
    ['<+pipeline.sequenceId>', 42],
    ['<+pipeline.startTs>', 1700000000000],
    ['<+pipeline.orgIdentifier>', 'default'],
    ['<+pipeline.projectIdentifier>', 'projctidp'],
    ['<+pipeline.triggeredBy.name>', 'Jane Doe'],
    ['<+pipeline.triggeredBy.email>', 'jane@example.com'],
    ['<+pipeline.triggerType>', 'MANUAL'],
    ['<+pipeline.variables.project_name>', 'my-service'],
    ['<+stage.variables.stage_var>', 'sv'],
    ['<+pipeline.stages.serviceonboarding.variables.stage_var>', 'sv'],
    ['<+pipeline.stages.testci.variables.ci_var>', 'from-ci'],
    ['<+stage.name>', 'service-onboarding'],
    ['<+stage.identifier>', 'serviceonboarding'],
    ['<+step.name>', 'slacknotify'],
    ['<+step.identifier>', 'slacknotify'],
    ['<+step.retryCount>', 1],
    [
      `${STEPS}.createrepo.output.outputVariables.repositoryUrl>`,
      'https://github.com/acme/my-service',
    ],
    [
      `${STEPS}.group1.steps.build.output.outputVariables.artifact>`,
      'app-1.0.tgz',
    ],
    [
      `${STEPS}.group1.steps.group2.steps.deploy.output.outputVariables.target>`,
      'prod',
    ],
    [
      '<+execution.steps.createrepo.output.outputVariables.repositoryUrl>',
      'https://github.com/acme/my-service',
    ],
    [
      '<+execution.steps.group1.steps.build.output.outputVariables.artifact>',
      'app-1.0.tgz',
    ],
    [
      '<+steps.createrepo.output.outputVariables.repositoryUrl>',
      'https://github.com/acme/my-service',
    ],
    [
      '<+pipeline.stages.testci.spec.execution.steps.Run_1.output.outputVariables.test2>',
      'passed',
    ],
    ['<+pipeline.stages.testci.status>', 'Success'],
    [`${STEPS}.createrepo.status>`, 'Success'],
    ['<+org.identifier>', 'default'],
    ['<+project.identifier>', 'projctidp'],
    ['<+account.identifier>', 'acct123'],
    ['<+trigger.payload.ref>', 'refs/heads/main'],
  ])('%s', (template, expected) => {
    expect(engine.render(template, ctxFor()).value).toEqual(expected);
  });
});

describe('relative names inside stages and step groups', () => {
  test.each<[string, ExpressionScope, unknown]>([
    // The innermost group's step shadows the stage's step of the same id.
    [
      '<+steps.createrepo.output.outputVariables.repositoryUrl>',
      IN_GROUP1,
      'https://group.example/repo',
    ],
    // Not in the group: found in the stage.
    [
      '<+steps.registercatalog.output.outputVariables.catalogInfoUrl>',
      IN_GROUP1,
      'https://github.com/acme/my-service/blob/main/catalog-info.yaml',
    ],
    // From group2, the enclosing group1 is searched before the stage.
    [
      '<+steps.build.output.outputVariables.artifact>',
      IN_GROUP2,
      'app-1.0.tgz',
    ],
    [
      '<+steps.createrepo.output.outputVariables.repositoryUrl>',
      IN_GROUP2,
      'https://group.example/repo',
    ],
    ['<+steps.deploy.output.outputVariables.target>', IN_GROUP2, 'prod'],
    ['<+stepGroup.name>', IN_GROUP1, 'Group 1'],
    ['<+stepGroup.name>', IN_GROUP2, 'Group 2'],
    ['<+stepGroup.variables.gv>', IN_GROUP1, 'group-var'],
    ['<+step.name>', IN_GROUP2, 'Deploy'],
    ['<+step.retryCount>', IN_GROUP1, 0],
    [
      '<+execution.steps.group1.steps.group2.steps.deploy.status>',
      IN_GROUP2,
      'Running',
    ],
    ['<+stage.name>', { stageId: 'testci' }, 'test ci'],
    [
      '<+execution.steps.Run_1.output.outputVariables.test2>',
      { stageId: 'testci' },
      'passed',
    ],
  ])('%s in %j', (template, scope, expected) => {
    expect(engine.render(template, ctxFor(scope)).value).toEqual(expected);
  });

  it('names what is not available outside a step group', () => {
    expect(
      errorOf(() => engine.render('<+stepGroup.name>', ctxFor())).message,
    ).toBe(
      '<+stepGroup.name>: "stepGroup" is not available here (available: pipeline, stage, execution, steps, step, account, org, project, trigger, secrets)',
    );
  });
});

describe('looping variables', () => {
  test.each<[string, unknown]>([
    ['<+matrix.os>', 'linux'],
    ['<+matrix.node>', 18],
    ['<+repeat.item>', 'us-east-1'],
    ['<+repeat.items>', ['us-east-1', 'eu-west-1']],
    ['<+strategy.iteration>', 2],
    ['<+strategy.iterations>', 3],
    [
      'deploy-<+repeat.item>-<+strategy.iteration>-of-<+strategy.iterations>',
      'deploy-us-east-1-2-of-3',
    ],
    ['node<+matrix.node>-<+matrix.os.toUpperCase()>', 'node18-LINUX'],
    ['<+env.name>', 'dev'],
    ['<+strategy.iteration + 1>', 3],
  ])('%s', (template, expected) => {
    expect(engine.render(template, ctxFor(IN_LOOP)).value).toEqual(expected);
  });
});

describe('the seed SlackNotify messageContent', () => {
  // The value of messageContent after YAML parsing ("\\n" is backslash-n).
  const messageContent =
    ' Hello <@<+pipeline.variables.email_id>>, <+pipeline.variables.project_name> project is created using flows in Harness IDP,\\n*Created Catalog Yaml -* <<+pipeline.stages.serviceonboarding.spec.execution.steps.registercatalog.output.outputVariables.catalogInfoUrl>|Link>\\n*Created Repository -* <<+pipeline.stages.serviceonboarding.spec.execution.steps.createrepo.output.outputVariables.repositoryUrl>|Link>\\n*Registered Catlog -* <<+pipeline.stages.serviceonboarding.spec.execution.steps.createcatalog.output.outputVariables.registeredCatalogUrl>|Link>';

  it('renders mentions and links', () => {
    const result = engine.render(messageContent, seedContext());
    expect(result.text).toBe(
      ' Hello <@jane@example.com>, my-service project is created using flows in Harness IDP,\\n*Created Catalog Yaml -* <https://github.com/acme/my-service/blob/main/catalog-info.yaml|Link>\\n*Created Repository -* <https://github.com/acme/my-service|Link>\\n*Registered Catlog -* <https://app.harness.io/ng/catalog/my-service|Link>',
    );
    expect(result.value).toBe(result.text);
    expect(result.secrets).toEqual([]);
  });

  test.each([
    ['<<+pipeline.variables.project_name>|Link>', '<my-service|Link>'],
    ['<@<+pipeline.variables.email_id>>', '<@jane@example.com>'],
    [
      '<+pipeline.variables.project_name> created using self service flow',
      'my-service created using self service flow',
    ],
  ])('%s', (template, expected) => {
    expect(engine.render(template, seedContext()).text).toBe(expected);
  });
});

describe('nested expressions', () => {
  test.each<[string, unknown]>([
    ['<+<+pipeline.variables.project_name>.toUpperCase()>', 'MY-SERVICE'],
    ['<+<+pipeline.variables.project_name>.split("-")[1]>', 'service'],
    ['<+pipeline.variables.<+pipeline.variables.key_name>>', 'my-service'],
    ['<+pipeline.stages.<+pipeline.variables.stage_name>.status>', 'Success'],
    ['<+"v-<+pipeline.variables.version>".length()>', 7],
    ['x<+<+pipeline.variables.num> + 1>y', 'x4y'],
    ['<+<+pipeline.variables.project_name> == "my-service">', true],
  ])('%s', (template, expected) => {
    expect(engine.render(template, seedContext()).value).toEqual(expected);
  });

  it('binds the inner value: quotes and <+ in it are never evaluated', () => {
    // tricky = x" + pipeline.name + "<+pipeline.name>
    expect(
      engine.render('<+<+pipeline.variables.tricky>.length()>', seedContext())
        .value,
    ).toBe(38);
    expect(
      engine.render('a<+pipeline.variables.tricky>b', seedContext()).text,
    ).toBe('ax" + pipeline.name + "<+pipeline.name>b');
    expect(
      engine.render('<+<+pipeline.variables.tricky> == "x">', seedContext())
        .value,
    ).toBe(false);
  });

  it('reports a failing inner expression by its own text', () => {
    const err = errorOf(() =>
      engine.render('<+<+pipeline.variables.nope>.trim()>', seedContext()),
    );
    expect(err.expression).toBe('<+pipeline.variables.nope>');
    expect(err.segment).toBe('nope');
  });
});

describe('Java string methods on values', () => {
  test.each<[string, unknown]>([
    ['<+pipeline.variables.project_name.toUpperCase()>', 'MY-SERVICE'],
    ['<+pipeline.variables.organization.toLowerCase() == "acme">', true],
    ['<+pipeline.variables.csv.split(",")[0]>', 'a'],
    ['<+pipeline.variables.csv.split(",")>', ['a', 'b', '', 'c']],
    ['<+pipeline.variables.version.split("\\\\.")[2]>', '3'],
    ['<+pipeline.variables.mixed.trim()>', 'Hello World'],
    ['<+pipeline.variables.mixed.trim().toUpperCase()>', 'HELLO WORLD'],
    [
      '<+pipeline.variables.organization + pipeline.variables.mixed.trim()>',
      'acmeHello World',
    ],
    ['<+"abc".length()>', 3],
    ['<+pipeline.variables.project_name.contains("serv")>', true],
    ['<+pipeline.variables.project_name.startsWith("my")>', true],
    ['<+pipeline.variables.project_name.endsWith("vice")>', true],
    ['<+pipeline.variables.project_name.replace("-", "_")>', 'my_service'],
    ['<+pipeline.variables.version.replaceAll("[.]", "")>', '123'],
    ['<+pipeline.variables.project_name.substring(0, 2)>', 'my'],
    ['<+pipeline.variables.project_name.substring(3)>', 'service'],
    ['<+pipeline.variables.project_name.indexOf("-")>', 2],
    ['<+pipeline.variables.version.lastIndexOf(".")>', 3],
    ['<+pipeline.variables.project_name.charAt(0)>', 'm'],
    ['<+pipeline.variables.organization.concat("-corp")>', 'acme-corp'],
    ['<+pipeline.variables.organization.equals("acme")>', true],
    ['<+pipeline.variables.organization.equalsIgnoreCase("ACME")>', true],
    ['<+pipeline.variables.organization.isEmpty()>', false],
    [
      '<+pipeline.variables.version.matches("\\\\d+\\\\.\\\\d+\\\\.\\\\d+")>',
      true,
    ],
    ['<+pipeline.variables.num.toString()>', '3'],
    ['<+pipeline.variables.list.size()>', 2],
    ['<+pipeline.variables.list.contains("b")>', true],
    ['<+pipeline.variables.map.get("k")>', 'v'],
    ['<+pipeline.variables.map.containsKey("z")>', false],
    ['<+(pipeline.variables.organization + "-x").toUpperCase()>', 'ACME-X'],
    ['<+!pipeline.variables.organization.isEmpty()>', true],
  ])('%s', (template, expected) => {
    expect(engine.render(template, seedContext()).value).toEqual(expected);
  });

  test.each([
    [
      '<+pipeline.variables.project_name.substring(20)>',
      'method',
      'substring(): begin 20',
    ],
    [
      '<+pipeline.variables.project_name.toLowercase()>',
      'unknown-method',
      'did you mean "toLowerCase"?',
    ],
    [
      '<+pipeline.variables.num.trim()>',
      'unknown-method',
      'not available on a number (pipeline.variables.num)',
    ],
    [
      '<+pipeline.variables.project_name.trim(1)>',
      'method',
      'trim() takes 0 argument(s), got 1',
    ],
    [
      '<+pipeline.variables.nothing.trim()>',
      'type',
      'cannot call trim() on null (pipeline.variables.nothing)',
    ],
  ])('%s fails with %s', (template, code, message) => {
    const err = errorOf(() => engine.render(template, seedContext()));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
  });
});

describe('operators', () => {
  test.each<[string, unknown]>([
    ['<+pipeline.variables.notify == "true">', true],
    ['<+pipeline.variables.flag == "true">', true], // JEXL compares a boolean with its text
    ['<+pipeline.variables.num == 3>', true],
    ['<+pipeline.variables.count == 5>', true], // numeric string vs number
    ['<+pipeline.variables.organization != "acme">', false],
    ['<+(pipeline.variables.count > 3)>', true],
    ['<+(pipeline.variables.num >= 3)>', true],
    ['<+pipeline.variables.num < 10>', true],
    ['<+pipeline.variables.num <= 2>', false],
    ['<+"abc" < "abd">', true],
    ['<+pipeline.variables.flag && pipeline.variables.num == 3>', true],
    ['<+pipeline.variables.nothing || "fallback">', true], // || yields a boolean in JEXL
    ['<+!pipeline.variables.flag>', false],
    ['<+!"false">', true], // the string "false" is falsy in JEXL
    ['<+pipeline.variables.flag ? "on" : "off">', 'on'],
    [
      '<+(pipeline.variables.num > 5) ? "big" : (pipeline.variables.num > 1) ? "medium" : "small">',
      'medium',
    ],
    [
      '<+pipeline.variables.organization + "-" + pipeline.variables.num>',
      'acme-3',
    ],
    ['<+1 + 2>', 3],
    ['<+"1" + 2>', '12'], // string concatenation when either side is a string
    ['<+pipeline.variables.count * 2>', 10],
    ['<+7 / 2>', 3.5],
    ['<+7 % 4 * 2>', 6], // % has the precedence of *, left to right
    ['<+1 < 2 == 3 < 4>', true], // == binds looser than <
    ['<+pipeline.variables.list == ["a", "b"]>', true],
    ['<+pipeline.variables.nothing == null>', true],
    ['<+-1 + 3>', 2],
  ])('%s', (template, expected) => {
    expect(engine.render(template, seedContext()).value).toEqual(expected);
  });

  test.each([
    [
      '<+pipeline.variables.flag - 1>',
      'type',
      'cannot apply "-" to boolean and number',
    ],
    ['<+1 / 0>', 'type', 'division by zero'],
    ['<+pipeline.variables.list < 1>', 'type', 'cannot compare list < number'],
  ])('%s fails with %s', (template, code, message) => {
    const err = errorOf(() => engine.render(template, seedContext()));
    expect(err.code).toBe(code);
    expect(err.message).toContain(message);
  });
});

describe('rendering of non-strings', () => {
  test.each<[string, unknown, string]>([
    ['<+pipeline.variables.num>', 3, '3'],
    ['<+pipeline.variables.ratio>', 2.5, '2.5'],
    ['<+pipeline.variables.flag>', true, 'true'],
    ['<+pipeline.variables.nothing>', null, 'null'],
    ['<+pipeline.variables.list>', ['a', 'b'], '["a","b"]'],
    ['<+pipeline.variables.map>', { k: 'v' }, '{"k":"v"}'],
    [
      '<+pipeline.triggeredBy>',
      { name: 'Jane Doe', email: 'jane@example.com' },
      '{"name":"Jane Doe","email":"jane@example.com"}',
    ],
    ['<+2.0 * 3>', 6, '6'], // integers render without ".0"
  ])('%s', (template, value, text) => {
    const result = engine.render(template, seedContext());
    expect(result.value).toEqual(value);
    expect(result.text).toBe(text);
  });

  test.each([
    ['n=<+pipeline.variables.num>', 'n=3'],
    ['<+pipeline.variables.flag>/<+pipeline.variables.nothing>', 'true/null'],
    ['items: <+pipeline.variables.list>', 'items: ["a","b"]'],
    ['no expressions at all', 'no expressions at all'],
    [' <+pipeline.variables.num>', ' 3'], // surrounding text: the value is text
  ])('%s → %j (value is the text)', (template, text) => {
    const result = engine.render(template, seedContext());
    expect(result.text).toBe(text);
    expect(result.value).toBe(text);
  });
});

describe('secrets', () => {
  test.each<[string, unknown, string[]]>([
    ['<+secrets.getValue("plain_secret")>', 's3cr3t', ['s3cr3t']],
    [
      '<+secrets.getValue("account.slack_bot_token")>',
      'xoxb-secret-token',
      ['xoxb-secret-token'],
    ],
    ["<+secrets.getValue('org.db_password')>", 'hunter2', ['hunter2']],
    [
      '<+pipeline.variables.slack_token>',
      'xoxb-secret-token',
      ['xoxb-secret-token'],
    ],
    ['<+stage.variables.db_password>', 'hunter2', ['hunter2']],
    [
      '<+pipeline.stages.serviceonboarding.variables.db_password>',
      'hunter2',
      ['hunter2'],
    ],
    [
      'Bearer <+pipeline.variables.slack_token>',
      'Bearer xoxb-secret-token',
      ['xoxb-secret-token'],
    ],
    ['<+secrets.getValue("plain_secret").length()>', 6, ['s3cr3t']],
    [
      '<+secrets.getValue("plain_secret")>:<+stage.variables.db_password>',
      's3cr3t:hunter2',
      ['s3cr3t', 'hunter2'],
    ],
    ['<+pipeline.variables.organization>', 'acme', []],
    // Text computed from a secret is reported for masking too; numbers and
    // booleans computed from one are not (they would mask every "6").
    [
      '<+secrets.getValue("plain_secret").toUpperCase()>',
      'S3CR3T',
      ['s3cr3t', 'S3CR3T'],
    ],
    [
      'x-<+secrets.getValue("plain_secret").substring(1)>-<+pipeline.variables.organization>',
      'x-3cr3t-acme',
      ['s3cr3t', '3cr3t'],
    ],
    ['<+secrets.getValue("plain_secret") == "s3cr3t">', true, ['s3cr3t']],
  ])('%s', (template, value, secrets) => {
    const result = engine.render(template, seedContext());
    expect(result.value).toEqual(value);
    expect(result.secrets).toEqual(secrets);
  });

  it('resolves secret variables inside returned maps', () => {
    const result = engine.render('<+stage.variables>', seedContext());
    expect(result.value).toEqual({ stage_var: 'sv', db_password: 'hunter2' });
    expect(result.secrets).toEqual(['hunter2']);
  });

  it('fails on a missing secret in strict mode, null in lenient mode', () => {
    const err = errorOf(() =>
      engine.render('<+secrets.getValue("nope")>', seedContext()),
    );
    expect(err.code).toBe('secret');
    expect(err.message).toBe(
      '<+secrets.getValue("nope")>: secret "nope" not found',
    );
    expect(
      lenient.render('<+secrets.getValue("nope")>', seedContext()).value,
    ).toBeNull();
  });

  it('refuses secrets.x property access', () => {
    expect(
      errorOf(() => engine.render('<+secrets.plain_secret>', seedContext()))
        .message,
    ).toContain('secrets.getValue("plain_secret")');
  });
});

describe('strict and lenient modes', () => {
  it('names the expression and the failing segment, with a suggestion', () => {
    const err = errorOf(() =>
      engine.render(
        'description: <+pipeline.variables.repository_description>',
        seedContext(),
      ),
    );
    expect(err.message).toBe(
      '<+pipeline.variables.repository_description>: "repository_description" not found in pipeline.variables (did you mean "repositoty_description"?)',
    );
    expect(err.code).toBe('unresolved');
    expect(err.segment).toBe('repository_description');
    expect(err.location).toEqual({ offset: 13, line: 1, column: 14 });
  });

  test.each([
    [
      '<+pipelin.name>',
      '"pipelin" is not a known name (did you mean "pipeline"?)',
    ],
    [
      `${STEPS}.createrepo.output.outputVariables.repositryUrl>`,
      '"repositryUrl" not found in pipeline.stages.serviceonboarding.spec.execution.steps.createrepo.output.outputVariables (did you mean "repositoryUrl"?)',
    ],
    ['<+steps.nostep.output>', '"nostep" not found in steps'],
    [
      '<+pipeline.variables.project_name.length>',
      '"length" not found: pipeline.variables.project_name is a string, not a map',
    ],
    [
      '<+pipeline.variables.list[5]>',
      'index 5 is out of range for pipeline.variables.list (size 2)',
    ],
    ['<+matrix.os>', '"matrix" is not available here'],
    ['<+input>', 'runtime input <+input> has no value'],
  ])('%s', (template, message) => {
    expect(
      errorOf(() => engine.render(template, seedContext())).message,
    ).toContain(message);
  });

  test.each([
    ['<+pipeline.variables.repository_description>', null, 'null'],
    ['desc: <+pipeline.variables.missing.deeper>', 'desc: null', 'desc: null'],
    ['<+pipelin.name>', null, 'null'],
    ['<+pipeline.variables.list[9]>', null, 'null'],
    ['<+pipeline.variables.missing.trim()>', null, 'null'],
  ])('lenient: %s renders null', (template, value, text) => {
    const result = lenient.render(template, seedContext());
    expect(result.value).toEqual(value);
    expect(result.text).toBe(text);
  });

  it('offers non-throwing variants', () => {
    const ok = engine.tryRender('<+pipeline.name>', seedContext());
    expect(ok).toEqual({
      ok: true,
      value: 'Self-Service-flow-repo-setup',
      text: 'Self-Service-flow-repo-setup',
      secrets: [],
    });
    const bad = engine.tryRender('<+pipeline.nope>', seedContext());
    expect(!bad.ok && bad.error.code).toBe('unresolved');
    const unterminated = engine.tryRender('<+pipeline.name', seedContext());
    expect(!unterminated.ok && unterminated.error.code).toBe('unterminated');
  });

  it('turns errors into validation problems', () => {
    const err = errorOf(() => engine.render('<+pipeline.nope>', seedContext()));
    expect(err.toProblem('pipeline.stages[0].stage.spec.x')).toEqual({
      severity: 'error',
      code: 'expression-unresolved',
      path: 'pipeline.stages[0].stage.spec.x',
      message:
        '<+pipeline.nope>: "nope" not found in pipeline (did you mean "name"?)',
    });
  });
});

describe('evaluateCondition', () => {
  test.each<[string, boolean]>([
    ['true', true],
    ['false', false],
    ['', true],
    ['<+pipeline.variables.notify> == "true"', true],
    ['<+pipeline.variables.notify> == "false"', false],
    ['<+pipeline.variables.notify>', true], // the string "true"
    ['<+pipeline.variables.count> > 3 && <+pipeline.variables.flag>', true],
    ['<+pipeline.stages.testci.status> == "Success"', true],
    [
      '<+stage.variables.stage_var> != "sv" || <+pipeline.variables.num> >= 3',
      true,
    ],
    ['"<+pipeline.variables.project_name>" == "my-service"', true], // quoted expression
    ['"<+pipeline.variables.project_name>-x".startsWith("my-")', true],
    ['<+pipeline.variables.project_name>.contains("serv")', true],
    ['<+pipeline.variables.list>.size() == 2', true],
    ['!(<+pipeline.variables.num> == 3)', false],
    ['<+pipeline.variables.organization == "acme">', true], // JEXL inside the expression
  ])('%s → %s', (condition, expected) => {
    expect(engine.evaluateCondition(condition, seedContext())).toBe(expected);
  });

  it('requires a boolean result', () => {
    const err = errorOf(() =>
      engine.evaluateCondition(
        '<+pipeline.variables.organization>',
        seedContext(),
      ),
    );
    expect(err.code).toBe('type');
    expect(err.message).toContain(
      'condition must evaluate to true or false, got acme',
    );
  });

  it('fails on unresolved references (strict) or treats them as false (lenient)', () => {
    expect(
      errorOf(() =>
        engine.evaluateCondition(
          '<+pipeline.variables.nope> == "x"',
          seedContext(),
        ),
      ).segment,
    ).toBe('nope');
    expect(
      lenient.evaluateCondition('<+pipeline.variables.nope>', seedContext()),
    ).toBe(false);
    expect(
      lenient.evaluateCondition(
        '<+pipeline.variables.nope> == null',
        seedContext(),
      ),
    ).toBe(true);
  });

  it('reports secrets read by a condition', () => {
    const result = engine.tryEvaluateCondition(
      '<+pipeline.variables.slack_token> != ""',
      seedContext(),
    );
    expect(result).toEqual({
      ok: true,
      value: true,
      secrets: ['xoxb-secret-token'],
    });
  });
});

describe('renderDeep', () => {
  it('renders strings inside objects and arrays, keeping raw values', () => {
    const spec = {
      organization: '<+pipeline.variables.organization>',
      retries: '<+pipeline.variables.num>',
      enabled: '<+pipeline.variables.flag>',
      keep: 7,
      nested: {
        list: [
          '<+pipeline.variables.project_name>',
          'x-<+pipeline.variables.num>',
          null,
        ],
      },
      token: '<+pipeline.variables.slack_token>',
      '<+not.a.key>': 'keys are not rendered',
    };
    const result = engine.renderDeep(spec, seedContext());
    expect(result.value).toEqual({
      organization: 'acme',
      retries: 3,
      enabled: true,
      keep: 7,
      nested: { list: ['my-service', 'x-3', null] },
      token: 'xoxb-secret-token',
      '<+not.a.key>': 'keys are not rendered',
    });
    expect(result.secrets).toEqual(['xoxb-secret-token']);
  });

  it('reports the path of the failing field', () => {
    const err = errorOf(() =>
      engine.renderDeep(
        { spec: { steps: ['ok', '<+pipeline.variables.nope>'] } },
        seedContext(),
      ),
    );
    expect(err.path).toBe('spec.steps[1]');
    expect(err.toProblem().path).toBe('spec.steps[1]');
    const attempt = engine.tryRenderDeep(
      { a: '<+pipeline.nope>' },
      seedContext(),
    );
    expect(attempt.ok).toBe(false);
  });
});

describe('analyze', () => {
  it('lists static references and compile errors without evaluating', () => {
    const analysis = engine.analyze(
      'x <+pipeline.variables.a.toLowerCase()> <+steps.s1.output.outputVariables.url> <+<+pipeline.variables.b>.trim()> <+a.foo()>',
    );
    expect(analysis.references.sort()).toEqual([
      'pipeline.variables.a',
      'pipeline.variables.b',
      'steps.s1.output.outputVariables.url',
    ]);
    expect(analysis.errors.map(e => e.code)).toEqual(['unknown-method']);
  });
});

describe('compiled expression cache', () => {
  it('caches compiled bodies, bounded by cacheSize', () => {
    const small = new ExpressionEngine({ cacheSize: 2 });
    const ctx = seedContext();
    small.render('<+pipeline.name>', ctx);
    small.render('<+pipeline.identifier> <+pipeline.name>', ctx);
    expect(small.cachedExpressions).toBe(2);
    small.render('<+pipeline.executionId>', ctx);
    expect(small.cachedExpressions).toBe(2);
    small.clearCache();
    expect(small.cachedExpressions).toBe(0);
  });

  it('evaluates identically without a cache', () => {
    const uncached = new ExpressionEngine({ cacheSize: 0 });
    const template =
      '<+<+pipeline.variables.project_name>.split("-")[0].toUpperCase()>-<+step.name>';
    expect(uncached.render(template, seedContext())).toEqual(
      engine.render(template, seedContext()),
    );
    expect(uncached.cachedExpressions).toBe(0);
  });

  it('does not share evaluation state between cached uses', () => {
    const template = '<+<+pipeline.variables.organization>.toUpperCase()>';
    const other = createExpressionContext(
      {
        ...SEED_SNAPSHOT,
        pipeline: {
          ...SEED_SNAPSHOT.pipeline,
          variables: { organization: 'other' },
        },
      },
      {},
    );
    expect(engine.render(template, seedContext()).value).toBe('ACME');
    expect(engine.render(template, other).value).toBe('OTHER');
  });
});
