import type {
  ExecutionElement,
  ParallelNode,
  StepGroupNode,
  StepNode,
  YamlValue,
} from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import { knownKeys } from '../steps/fields';
import type { StepSpecRegistry } from '../steps/registry';
import {
  readFailureStrategies,
  readStepWhen,
  readStrategy,
  readVariables,
} from './blocks';
import type { ProblemCollector } from './collector';
import {
  checkUnique,
  describe,
  expectList,
  expectMap,
  isMap,
  readIdentifier,
  readName,
  readString,
  readTimeout,
  warnUnknownKeys,
  type YamlMap,
} from './readers';
import { checkStepSpec } from './stepSpec';
import { didYouMean } from './suggest';

const STEP_KEYS = [
  'type',
  'name',
  'identifier',
  'description',
  'timeout',
  'when',
  'failureStrategies',
  'strategy',
  'spec',
  'enforce',
  'delegateSelectors',
  'template',
];
const GROUP_KEYS = [
  'name',
  'identifier',
  'description',
  'steps',
  'when',
  'failureStrategies',
  'strategy',
  'variables',
  'sharedPaths',
  'stepGroupInfra',
  'timeout',
  'delegateSelectors',
  'template',
];
const ELEMENT_KEYS = ['step', 'parallel', 'stepGroup'];

/** Validates an execution's `steps` list (also step groups' lists). */
export function readSteps(
  value: YamlValue | undefined,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
): ExecutionElement[] {
  const list = expectList(value ?? null, path, c, 'steps');
  if (!list) return [];
  if (!list.length) {
    c.error(
      path,
      'empty-steps',
      'steps is empty',
      'add at least one "- step:" entry',
    );
  }
  const elements: ExecutionElement[] = [];
  // parallel blocks are transparent in fully-qualified names, so their
  // children share one identifier namespace with their siblings.
  const ids: Array<{ id: string | undefined; path: YamlPath }> = [];
  list.forEach((item, i) => {
    const element = readElement(item, [...path, i], c, registry, ids, true);
    if (element) elements.push(element);
  });
  checkUnique(ids, c, 'step');
  return elements;
}

function readElement(
  item: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
  ids: Array<{ id: string | undefined; path: YamlPath }>,
  allowParallel: boolean,
): ExecutionElement | undefined {
  const m = expectMap(item, path, c, 'an execution element');
  if (!m) return undefined;
  const kinds = ELEMENT_KEYS.filter(k => k in m);
  if (kinds.length !== 1) {
    if (!kinds.length) {
      const other = Object.keys(m);
      c.error(
        path,
        'element-kind',
        `expected "step", "stepGroup" or "parallel", found ${other.length ? other.map(k => `"${k}"`).join(', ') : 'an empty map'}`,
        'start the entry with "- step:", "- stepGroup:" or "- parallel:"',
      );
    } else {
      c.error(
        path,
        'element-kind',
        `an entry holds ${kinds.join(' and ')}; use one per "- " entry`,
      );
    }
    return undefined;
  }
  warnUnknownKeys(m, path, ELEMENT_KEYS, c, 'execution element');
  const kind = kinds[0];
  if (kind === 'step') {
    const step = readStep(m.step, [...path, 'step'], c, registry);
    ids.push({ id: step?.identifier, path: [...path, 'step'] });
    return step;
  }
  if (kind === 'stepGroup') {
    const group = readStepGroup(
      m.stepGroup,
      [...path, 'stepGroup'],
      c,
      registry,
    );
    ids.push({ id: group?.identifier, path: [...path, 'stepGroup'] });
    return group;
  }
  if (!allowParallel) {
    c.error(
      [...path, 'parallel'],
      'nested-parallel',
      'a parallel block cannot directly contain another parallel block',
      'list its steps in the outer parallel block, or wrap them in a stepGroup',
    );
    return undefined;
  }
  const list = expectList(m.parallel, [...path, 'parallel'], c, 'parallel');
  if (!list) return undefined;
  if (!list.length)
    c.error(
      [...path, 'parallel'],
      'empty-steps',
      'parallel is empty',
      'add the steps to run in parallel',
    );
  const node: ParallelNode = { kind: 'parallel', elements: [] };
  list.forEach((child, i) => {
    const el = readElement(
      child,
      [...path, 'parallel', i],
      c,
      registry,
      ids,
      false,
    );
    if (el && el.kind !== 'parallel') node.elements.push(el);
  });
  return node;
}

function readStep(
  value: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
): StepNode | undefined {
  const m = expectMap(value, path, c, 'step');
  if (!m) return undefined;
  const type = readString(m, 'type', path, c, { required: true });
  const definition = type !== undefined ? registry.get(type) : undefined;
  if (type !== undefined && !definition) {
    const suggestion = didYouMean(type, registry.types());
    c.error(
      [...path, 'type'],
      'unknown-step-type',
      `unknown step type "${type}"${suggestion ? `; ${suggestion}` : ''}`,
      `known step types: ${registry.types().join(', ')}`,
    );
  }
  // The document's snippets put spec fields beside an empty `spec:`.
  const specKeys = definition ? knownKeys(definition.spec) : [];
  const misplaced = Object.keys(m).filter(
    k => !STEP_KEYS.includes(k) && specKeys.includes(k),
  );
  const specEmpty =
    m.spec === undefined ||
    m.spec === null ||
    (isMap(m.spec) && !Object.keys(m.spec).length);
  const extra = warnUnknownKeys(
    m,
    path,
    STEP_KEYS,
    c,
    'step',
    misplaced.length && specEmpty ? new Set(misplaced) : undefined,
  );
  const name = readName(m, path, c);
  const identifier = readIdentifier(m, path, c);
  const timeout = readTimeout(m, path, c);
  let spec: YamlMap = {};
  if (misplaced.length && specEmpty) {
    c.error(
      [...path, 'spec'],
      'spec-keys-misplaced',
      `spec is empty while ${misplaced.join(', ')} sit beside it at the step's level`,
      'these keys belong under spec: indent them two more spaces than "spec:"',
    );
    for (const k of misplaced) spec[k] = m[k];
  } else if (m.spec === undefined || m.spec === null) {
    if (definition) checkStepSpec(definition, {}, [...path, 'spec'], c);
  } else {
    const s = expectMap(m.spec, [...path, 'spec'], c, 'spec');
    if (s) {
      spec = s;
      if (definition) checkStepSpec(definition, s, [...path, 'spec'], c);
    }
  }
  if (type === undefined || name === undefined || identifier === undefined)
    return undefined;
  return {
    kind: 'step',
    type,
    name,
    identifier,
    ...readRunControls(m, path, c, timeout),
    spec,
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/**
 * What steps and step groups share after their identity: `description`,
 * the already read `timeout`, `when`, `failureStrategies` and `strategy`.
 */
function readRunControls(
  m: YamlMap,
  path: YamlPath,
  c: ProblemCollector,
  timeout: string | undefined,
) {
  return {
    ...(typeof m.description === 'string'
      ? { description: m.description }
      : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...optional('when', readStepWhen(m, path, c)),
    ...optional('failureStrategies', readFailureStrategies(m, path, c)),
    ...optional('strategy', readStrategy(m, path, c)),
  };
}

function readStepGroup(
  value: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
): StepGroupNode | undefined {
  const m = expectMap(value, path, c, 'stepGroup');
  if (!m) return undefined;
  const extra = warnUnknownKeys(m, path, GROUP_KEYS, c, 'stepGroup');
  const name = readName(m, path, c);
  const identifier = readIdentifier(m, path, c);
  const timeout = readTimeout(m, path, c);
  const steps = readSteps(m.steps, [...path, 'steps'], c, registry);
  const sharedPaths = readSharedPaths(m, path, c);
  if (name === undefined || identifier === undefined) return undefined;
  return {
    kind: 'stepGroup',
    name,
    identifier,
    steps,
    ...readRunControls(m, path, c, timeout),
    ...optional('variables', readVariables(m, path, c)),
    ...optional('sharedPaths', sharedPaths),
    ...(isMap(m.stepGroupInfra) ? { stepGroupInfra: m.stepGroupInfra } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** Reads `sharedPaths`: a list of strings. */
export function readSharedPaths(
  m: YamlMap,
  path: YamlPath,
  c: ProblemCollector,
): string[] | undefined {
  if (m.sharedPaths === undefined || m.sharedPaths === null) return undefined;
  const list = expectList(
    m.sharedPaths,
    [...path, 'sharedPaths'],
    c,
    'sharedPaths',
  );
  return list?.flatMap((p, i) => {
    if (typeof p === 'string') return [p];
    c.error(
      [...path, 'sharedPaths', i],
      'wrong-type',
      `a shared path must be a string, found ${describe(p)}`,
    );
    return [];
  });
}

/** `{ key: value }` when value is defined, else `{}` — keeps optional fields absent. */
export function optional<K extends string, V>(
  key: K,
  value: V | undefined,
): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
