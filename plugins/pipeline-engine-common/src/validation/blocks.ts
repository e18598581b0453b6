import {
  FAILURE_ACTION_TYPES,
  FAILURE_ERROR_TYPES,
  type FailureAction,
  type FailureErrorType,
  type FailureStrategy,
  type LoopingStrategy,
  type PipelineVariable,
  type StageWhen,
  type StepWhen,
  type YamlValue,
} from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { ProblemCollector } from './collector';
import {
  checkUnique,
  describe,
  expectList,
  expectMap,
  isMap,
  readEnum,
  readString,
  readTimeout,
  warnUnknownKeys,
} from './readers';
import { VARIABLE_NAME_PATTERN, isDynamic, parseDuration } from './rules';

/*
 * Blocks shared by pipelines, stages, step groups and steps: variables,
 * `when`, `failureStrategies` and looping `strategy`.
 */

const VARIABLE_KEYS = [
  'name',
  'type',
  'description',
  'required',
  'value',
  'default',
];
const VARIABLE_TYPES = ['String', 'Number', 'Secret'] as const;

/** Reads a `variables` list. */
export function readVariables(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): PipelineVariable[] | undefined {
  if (owner.variables === undefined || owner.variables === null)
    return undefined;
  const list = expectList(
    owner.variables,
    [...path, 'variables'],
    c,
    'variables',
  );
  if (!list) return undefined;
  const out: PipelineVariable[] = [];
  const ids: Array<{ id: string | undefined; path: YamlPath }> = [];
  list.forEach((item, i) => {
    const at = [...path, 'variables', i];
    const m = expectMap(item, at, c, 'a variable');
    if (!m) return;
    warnUnknownKeys(m, at, VARIABLE_KEYS, c, 'variable');
    const name = readString(m, 'name', at, c, {
      required: true,
      pattern: VARIABLE_NAME_PATTERN,
      hint: 'start with a letter or _, then letters, digits, _, ., $ or -',
    });
    const type = readEnum(m, 'type', at, VARIABLE_TYPES, c) ?? 'String';
    ids.push({ id: name, path: at });
    if (m.required !== undefined && typeof m.required !== 'boolean') {
      c.error(
        [...at, 'required'],
        'wrong-type',
        `required must be true or false, found ${describe(m.required)}`,
      );
    }
    const value = m.value;
    if (value !== undefined && value !== null && typeof value === 'object') {
      c.error(
        [...at, 'value'],
        'wrong-type',
        `a variable value must be a single value, found ${describe(value)}`,
      );
    } else if (
      type === 'Number' &&
      typeof value === 'string' &&
      !isDynamic(value) &&
      value.trim() !== '' &&
      !Number.isFinite(Number(value))
    ) {
      c.error(
        [...at, 'value'],
        'wrong-type',
        `Number variable "${name}" has the non-numeric value ${JSON.stringify(value)}`,
        'give a number, an expression or <+input>',
      );
    }
    if (name === undefined) return;
    out.push({
      name,
      type,
      ...(typeof m.description === 'string'
        ? { description: m.description }
        : {}),
      ...(typeof m.required === 'boolean' ? { required: m.required } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(m.default !== undefined ? { default: m.default } : {}),
    });
  });
  checkUnique(ids, c, 'variable', 'name');
  return out;
}

/** Reads a stage's `when`. */
export function readStageWhen(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): StageWhen | undefined {
  return readWhen(owner, path, c, 'pipelineStatus') as StageWhen | undefined;
}

/** Reads a step's or step group's `when`. */
export function readStepWhen(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): StepWhen | undefined {
  return readWhen(owner, path, c, 'stageStatus') as StepWhen | undefined;
}

function readWhen(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
  statusKey: 'pipelineStatus' | 'stageStatus',
): Record<string, string> | undefined {
  if (owner.when === undefined || owner.when === null) return undefined;
  const at = [...path, 'when'];
  const m = expectMap(owner.when, at, c, 'when');
  if (!m) return undefined;
  warnUnknownKeys(m, at, [statusKey, 'condition'], c, 'when');
  const status = readEnum(m, statusKey, at, ['Success', 'Failure', 'All'], c, {
    required: true,
  });
  let condition: string | undefined;
  if (m.condition !== undefined && m.condition !== null) {
    condition =
      typeof m.condition === 'boolean'
        ? String(m.condition)
        : readString(m, 'condition', at, c);
  }
  if (!status) return undefined;
  return {
    [statusKey]: status,
    ...(condition !== undefined ? { condition } : {}),
  };
}

/** Reads `failureStrategies`. */
export function readFailureStrategies(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): FailureStrategy[] | undefined {
  if (owner.failureStrategies === undefined || owner.failureStrategies === null)
    return undefined;
  const list = expectList(
    owner.failureStrategies,
    [...path, 'failureStrategies'],
    c,
    'failureStrategies',
  );
  if (!list) return undefined;
  const out: FailureStrategy[] = [];
  const errorLists: Array<{ index: number; errors: FailureErrorType[] }> = [];
  list.forEach((item, i) => {
    const at = [...path, 'failureStrategies', i];
    const m = expectMap(item, at, c, 'a failure strategy');
    if (!m) return;
    warnUnknownKeys(m, at, ['onFailure'], c, 'failure strategy');
    const on = expectMap(m.onFailure, [...at, 'onFailure'], c, 'onFailure');
    if (!on) return;
    warnUnknownKeys(
      on,
      [...at, 'onFailure'],
      ['errors', 'action'],
      c,
      'onFailure',
    );
    const errors = readErrorTypes(on, [...at, 'onFailure'], c);
    const action = readAction(on.action, [...at, 'onFailure', 'action'], c);
    if (errors) errorLists.push({ index: i, errors });
    if (errors && action) out.push({ onFailure: { errors, action } });
  });
  warnAllErrorsListedFirst(errorLists, [...path, 'failureStrategies'], c);
  return out;
}

/**
 * Warns where an `AllErrors` entry comes before an entry naming a specific
 * error type: the specific entry applies to its type whatever the order
 * (Harness's `AllErrors` means "all errors other than those specified in
 * failure strategies defined here"), so a pipeline written for
 * first-match-wins would behave differently than its author expects.
 */
function warnAllErrorsListedFirst(
  entries: Array<{ index: number; errors: FailureErrorType[] }>,
  path: YamlPath,
  c: ProblemCollector,
): void {
  entries.forEach((later, position) => {
    const shadowed = entries
      .slice(0, position)
      .find(earlier => earlier.errors.includes('AllErrors'));
    if (!shadowed) return;
    const specific = later.errors.filter(
      e => e !== 'AllErrors' && !shadowed.errors.includes(e),
    );
    if (!specific.length) return;
    c.warn(
      [...path, later.index, 'onFailure', 'errors'],
      'failure-strategy-order',
      `failureStrategies[${later.index}] handles ${specific.join(', ')} although failureStrategies[${shadowed.index}] (AllErrors) is listed first: ` +
        `an entry naming an error type applies to it whatever the order, AllErrors only to the other errors`,
      `list failureStrategies[${later.index}] before the AllErrors entry so the order matches what runs`,
    );
  });
}

function readErrorTypes(
  on: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): FailureErrorType[] | undefined {
  const list = expectList(on.errors, [...path, 'errors'], c, 'errors');
  if (!list) return undefined;
  const out: FailureErrorType[] = [];
  list.forEach((e, i) => {
    if (
      typeof e === 'string' &&
      (FAILURE_ERROR_TYPES as readonly string[]).includes(e)
    ) {
      out.push(e as FailureErrorType);
    } else {
      c.error(
        [...path, 'errors', i],
        'invalid-value',
        `${describe(e)} is not a failure error type`,
        `use one of: ${FAILURE_ERROR_TYPES.join(', ')}`,
      );
    }
  });
  if (!list.length) {
    // Harness only requires the key: an empty list maps no error type to the
    // action, so the strategy never applies (FailureStrategiesUtils).
    c.warn(
      [...path, 'errors'],
      'empty-errors',
      'errors is empty, so this failure strategy never applies',
      'list the error types it handles, e.g. [AllErrors]',
    );
  }
  return out;
}

function readAction(
  value: unknown,
  path: YamlPath,
  c: ProblemCollector,
): FailureAction | undefined {
  const m = expectMap(value, path, c, 'action');
  if (!m) return undefined;
  warnUnknownKeys(m, path, ['type', 'spec'], c, 'action');
  const type = readEnum(m, 'type', path, FAILURE_ACTION_TYPES, c, {
    required: true,
  });
  if (!type) return undefined;
  const action: FailureAction = { type };
  const spec =
    m.spec === undefined || m.spec === null
      ? undefined
      : expectMap(m.spec, [...path, 'spec'], c, 'action spec');
  if (type === 'Retry') {
    const sp = spec ?? {};
    if (!spec)
      c.error(
        [...path, 'spec'],
        'required',
        'a Retry action needs spec.retryCount and spec.retryIntervals',
      );
    const retryCount = sp.retryCount;
    if (
      retryCount !== undefined &&
      !isDynamic(retryCount) &&
      !(Number.isInteger(retryCount) && (retryCount as number) >= 1)
    ) {
      c.error(
        [...path, 'spec', 'retryCount'],
        'invalid-value',
        `retryCount must be a whole number of at least 1, found ${describe(retryCount)}`,
      );
    }
    const intervals =
      sp.retryIntervals === undefined
        ? undefined
        : expectList(
            sp.retryIntervals,
            [...path, 'spec', 'retryIntervals'],
            c,
            'retryIntervals',
          );
    intervals?.forEach((iv, i) => {
      if (
        typeof iv !== 'string' ||
        (!isDynamic(iv) && parseDuration(iv) === undefined)
      ) {
        c.error(
          [...path, 'spec', 'retryIntervals', i],
          'timeout-format',
          `${describe(iv)} is not a duration`,
          'write e.g. 1s, 10s, 1m',
        );
      }
    });
    const onRetry =
      sp.onRetryFailure === undefined
        ? undefined
        : expectMap(
            sp.onRetryFailure,
            [...path, 'spec', 'onRetryFailure'],
            c,
            'onRetryFailure',
          );
    const onRetryAction = onRetry
      ? readAction(
          onRetry.action,
          [...path, 'spec', 'onRetryFailure', 'action'],
          c,
        )
      : undefined;
    action.spec = {
      ...(retryCount !== undefined
        ? { retryCount: retryCount as number | string }
        : {}),
      ...(intervals ? { retryIntervals: intervals.map(String) } : {}),
      ...(onRetryAction ? { onRetryFailure: { action: onRetryAction } } : {}),
    };
  } else if (type === 'ManualIntervention' && spec) {
    const timeout = readTimeout(spec, [...path, 'spec'], c);
    const onTimeout =
      spec.onTimeout === undefined
        ? undefined
        : expectMap(
            spec.onTimeout,
            [...path, 'spec', 'onTimeout'],
            c,
            'onTimeout',
          );
    const onTimeoutAction = onTimeout
      ? readAction(
          onTimeout.action,
          [...path, 'spec', 'onTimeout', 'action'],
          c,
        )
      : undefined;
    action.spec = {
      ...(timeout ? { timeout } : {}),
      ...(onTimeoutAction ? { onTimeout: { action: onTimeoutAction } } : {}),
    };
  }
  return action;
}

function matrixAxisHint(key: string, value: YamlValue): string {
  if (key === 'parallelism')
    return 'a matrix has no parallelism: use maxConcurrency to limit how many iterations run at once';
  if (typeof value === 'number' || typeof value === 'boolean')
    return `write ${key}: [${value}] to loop over it, or remove it`;
  return 'write it as a list to loop over it, or remove it';
}

/** Reads a looping `strategy` (matrix, repeat or parallelism). */
export function readStrategy(
  owner: Record<string, YamlValue>,
  path: YamlPath,
  c: ProblemCollector,
): LoopingStrategy | undefined {
  if (owner.strategy === undefined || owner.strategy === null) return undefined;
  const at = [...path, 'strategy'];
  const m = expectMap(owner.strategy, at, c, 'strategy');
  if (!m) return undefined;
  warnUnknownKeys(m, at, ['matrix', 'repeat', 'parallelism'], c, 'strategy');
  const kinds = ['matrix', 'repeat', 'parallelism'].filter(
    k => m[k] !== undefined,
  );
  if (kinds.length !== 1) {
    c.error(
      at,
      'strategy-kind',
      kinds.length
        ? `strategy sets ${kinds.join(' and ')}; only one is allowed`
        : 'strategy is empty',
      'use exactly one of matrix, repeat or parallelism',
    );
    return undefined;
  }
  const checkCount = (v: YamlValue | undefined, p: YamlPath, what: string) => {
    if (
      v !== undefined &&
      !isDynamic(v) &&
      !(Number.isInteger(v) && (v as number) >= 1)
    ) {
      c.error(
        p,
        'invalid-value',
        `${what} must be a whole number of at least 1, found ${describe(v)}`,
      );
    }
  };
  if (m.parallelism !== undefined) {
    checkCount(m.parallelism, [...at, 'parallelism'], 'parallelism');
    return { parallelism: m.parallelism as number | string };
  }
  if (m.matrix !== undefined) {
    const mx = expectMap(m.matrix, [...at, 'matrix'], c, 'matrix');
    if (!mx) return undefined;
    const axes: Record<string, YamlValue[] | string> = {};
    for (const [k, v] of Object.entries(mx)) {
      if (['maxConcurrency', 'exclude', 'nodeName'].includes(k)) continue;
      if (!Array.isArray(v) && typeof v !== 'string') {
        // Harness's matrix config keeps only list and expression axes.
        c.warn(
          [...at, 'matrix', k],
          'ignored-axis',
          `matrix axis "${k}" is ${describe(v)}, not a list, so it is ignored`,
          matrixAxisHint(k, v),
        );
        continue;
      }
      if (Array.isArray(v) ? v.length === 0 : !isDynamic(v)) {
        c.error(
          [...at, 'matrix', k],
          'invalid-value',
          `matrix axis "${k}" must be a non-empty list or an expression`,
        );
        continue;
      }
      axes[k] = v as YamlValue[] | string;
    }
    if (!Object.keys(axes).length)
      c.error(
        [...at, 'matrix'],
        'required',
        'matrix needs at least one axis',
        'e.g. matrix: { os: [linux, mac] }',
      );
    checkCount(
      mx.maxConcurrency,
      [...at, 'matrix', 'maxConcurrency'],
      'maxConcurrency',
    );
    const exclude =
      mx.exclude === undefined
        ? undefined
        : expectList(mx.exclude, [...at, 'matrix', 'exclude'], c, 'exclude');
    return {
      matrix: {
        axes,
        ...(mx.maxConcurrency !== undefined
          ? { maxConcurrency: mx.maxConcurrency as number | string }
          : {}),
        ...(exclude ? { exclude: exclude.filter(isMap) } : {}),
        ...(typeof mx.nodeName === 'string' ? { nodeName: mx.nodeName } : {}),
      },
    };
  }
  const rp = expectMap(m.repeat, [...at, 'repeat'], c, 'repeat');
  if (!rp) return undefined;
  warnUnknownKeys(
    rp,
    [...at, 'repeat'],
    ['times', 'items', 'maxConcurrency', 'nodeName', 'start', 'end', 'unit'],
    c,
    'repeat',
  );
  if ((rp.times === undefined) === (rp.items === undefined)) {
    c.error(
      [...at, 'repeat'],
      'strategy-kind',
      'repeat needs exactly one of times or items',
    );
  }
  checkCount(rp.times, [...at, 'repeat', 'times'], 'times');
  checkCount(
    rp.maxConcurrency,
    [...at, 'repeat', 'maxConcurrency'],
    'maxConcurrency',
  );
  if (
    rp.items !== undefined &&
    !Array.isArray(rp.items) &&
    !isDynamic(rp.items)
  ) {
    c.error(
      [...at, 'repeat', 'items'],
      'wrong-type',
      `items must be a list or an expression, found ${describe(rp.items)}`,
    );
  }
  return {
    repeat: {
      ...(rp.times !== undefined ? { times: rp.times as number | string } : {}),
      ...(rp.items !== undefined
        ? { items: rp.items as YamlValue[] | string }
        : {}),
      ...(rp.maxConcurrency !== undefined
        ? { maxConcurrency: rp.maxConcurrency as number | string }
        : {}),
      ...(typeof rp.nodeName === 'string' ? { nodeName: rp.nodeName } : {}),
    },
  };
}
