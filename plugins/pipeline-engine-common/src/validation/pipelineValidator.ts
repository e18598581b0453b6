import {
  STAGE_TYPES,
  type ParallelStagesNode,
  type Pipeline,
  type StageNode,
  type StageType,
  type YamlValue,
} from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { StepSpecRegistry } from '../steps/registry';
import {
  readFailureStrategies,
  readStageWhen,
  readStrategy,
  readVariables,
} from './blocks';
import type { ProblemCollector } from './collector';
import { optional, readSharedPaths, readSteps } from './executionValidator';
import {
  checkUnique,
  expectList,
  expectMap,
  isMap,
  readEnum,
  readIdentifier,
  readName,
  readString,
  readStringMap,
  readTimeout,
  warnUnknownKeys,
} from './readers';
import { IDENTIFIER_PATTERN } from './rules';

const PIPELINE_KEYS = [
  'name',
  'identifier',
  'orgIdentifier',
  'projectIdentifier',
  'tags',
  'description',
  'variables',
  'stages',
  'properties',
  'failureStrategies',
  'timeout',
  'delegateSelectors',
  'notificationRules',
  'flowControl',
  'allowStageExecutions',
  'fixedInputsOnRerun',
  'template',
];
const STAGE_KEYS = [
  'name',
  'identifier',
  'description',
  'type',
  'spec',
  'variables',
  'when',
  'failureStrategies',
  'strategy',
  'tags',
  'timeout',
  'delegateSelectors',
  'template',
];
const STAGE_SPEC_KEYS = [
  'execution',
  'infrastructure',
  'runtime',
  'platform',
  'caching',
  'cloneCodebase',
  'sharedPaths',
  'serviceDependencies',
  'buildIntelligence',
  'environment',
  'slsa_policy',
];
const INFRA_TYPES = [
  'KubernetesDirect',
  'KubernetesHosted',
  'VM',
  'UseFromStage',
];
const RUNTIME_TYPES = ['Cloud', 'Docker', 'VM'];

/** Validates `pipeline:` and builds the model. */
export function readPipeline(
  value: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
): Pipeline | undefined {
  const m = expectMap(value, path, c, 'pipeline');
  if (!m) return undefined;
  const extra = warnUnknownKeys(m, path, PIPELINE_KEYS, c, 'pipeline');
  const name = readName(m, path, c);
  const identifier = readIdentifier(m, path, c);
  const idHint = 'start with a letter or _, then letters, digits and _';
  const orgIdentifier = readString(m, 'orgIdentifier', path, c, {
    pattern: IDENTIFIER_PATTERN,
    hint: idHint,
  });
  const projectIdentifier = readString(m, 'projectIdentifier', path, c, {
    pattern: IDENTIFIER_PATTERN,
    hint: idHint,
  });
  const timeout = readTimeout(m, path, c);
  const stages = readStages(m.stages, [...path, 'stages'], c, registry, m);
  if (name === undefined || identifier === undefined) return undefined;
  return {
    name,
    identifier,
    ...optional('orgIdentifier', orgIdentifier),
    ...optional('projectIdentifier', projectIdentifier),
    ...(typeof m.description === 'string'
      ? { description: m.description }
      : {}),
    ...optional('tags', readStringMap(m, 'tags', path, c)),
    ...optional('variables', readVariables(m, path, c)),
    stages,
    ...(isMap(m.properties) ? { properties: m.properties } : {}),
    ...optional('failureStrategies', readFailureStrategies(m, path, c)),
    ...optional('timeout', timeout),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

function readStages(
  value: YamlValue | undefined,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
  pipeline: Record<string, YamlValue>,
): Array<StageNode | ParallelStagesNode> {
  const list = expectList(value ?? null, path, c, 'stages');
  if (!list) return [];
  if (!list.length)
    c.error(
      path,
      'empty-stages',
      'stages is empty',
      'add at least one "- stage:" entry',
    );
  const ids: Array<{ id: string | undefined; path: YamlPath }> = [];
  const out: Array<StageNode | ParallelStagesNode> = [];
  list.forEach((item, i) => {
    const at = [...path, i];
    const m = expectMap(item, at, c, 'a stages entry');
    if (!m) return;
    if ('stage' in m) {
      warnUnknownKeys(m, at, ['stage'], c, 'stages entry');
      const stage = readStage(m.stage, [...at, 'stage'], c, registry, pipeline);
      ids.push({ id: stage?.identifier, path: [...at, 'stage'] });
      if (stage) out.push(stage);
    } else if ('parallel' in m) {
      warnUnknownKeys(m, at, ['parallel'], c, 'stages entry');
      const inner = expectList(m.parallel, [...at, 'parallel'], c, 'parallel');
      const node: ParallelStagesNode = { kind: 'parallel', stages: [] };
      inner?.forEach((child, j) => {
        const cm = expectMap(
          child,
          [...at, 'parallel', j],
          c,
          'a parallel stage entry',
        );
        if (!cm) return;
        if (!('stage' in cm)) {
          c.error(
            [...at, 'parallel', j],
            'element-kind',
            'a parallel block of stages may only hold "- stage:" entries',
          );
          return;
        }
        const stage = readStage(
          cm.stage,
          [...at, 'parallel', j, 'stage'],
          c,
          registry,
          pipeline,
        );
        ids.push({
          id: stage?.identifier,
          path: [...at, 'parallel', j, 'stage'],
        });
        if (stage) node.stages.push(stage);
      });
      out.push(node);
    } else {
      c.error(
        at,
        'element-kind',
        `expected "stage" or "parallel", found ${
          Object.keys(m)
            .map(k => `"${k}"`)
            .join(', ') || 'an empty map'
        }`,
        'start the entry with "- stage:"',
      );
    }
  });
  checkUnique(ids, c, 'stage');
  return out;
}

function readStage(
  value: YamlValue,
  path: YamlPath,
  c: ProblemCollector,
  registry: StepSpecRegistry,
  pipeline: Record<string, YamlValue>,
): StageNode | undefined {
  const m = expectMap(value, path, c, 'stage');
  if (!m) return undefined;
  const extra = warnUnknownKeys(m, path, STAGE_KEYS, c, 'stage');
  const name = readName(m, path, c);
  const identifier = readIdentifier(m, path, c);
  const type = readEnum<StageType>(m, 'type', path, STAGE_TYPES, c, {
    required: true,
  });
  const timeout = readTimeout(m, path, c);
  const specPath = [...path, 'spec'];
  const spec = expectMap(m.spec ?? null, specPath, c, 'stage spec') ?? {};
  const specExtra = warnUnknownKeys(
    spec,
    specPath,
    STAGE_SPEC_KEYS,
    c,
    'stage spec',
  );
  const execution = expectMap(
    spec.execution ?? null,
    [...specPath, 'execution'],
    c,
    'execution',
  );
  if (execution)
    warnUnknownKeys(
      execution,
      [...specPath, 'execution'],
      ['steps', 'rollbackSteps'],
      c,
      'execution',
    );
  const steps = execution
    ? readSteps(
        execution.steps,
        [...specPath, 'execution', 'steps'],
        c,
        registry,
      )
    : [];
  const rollbackSteps =
    execution?.rollbackSteps !== undefined && execution.rollbackSteps !== null
      ? readSteps(
          execution.rollbackSteps,
          [...specPath, 'execution', 'rollbackSteps'],
          c,
          registry,
        )
      : undefined;
  checkTypedBlock(spec, 'infrastructure', INFRA_TYPES, specPath, c);
  checkTypedBlock(spec, 'runtime', RUNTIME_TYPES, specPath, c);
  const cloneCodebase = spec.cloneCodebase;
  if (
    cloneCodebase !== undefined &&
    typeof cloneCodebase !== 'boolean' &&
    !(typeof cloneCodebase === 'string' && cloneCodebase.includes('<+'))
  ) {
    c.error(
      [...specPath, 'cloneCodebase'],
      'wrong-type',
      'cloneCodebase must be true or false',
    );
  }
  if (type === 'CI' && cloneCodebase === true && !hasCodebase(pipeline)) {
    c.error(
      [...specPath, 'cloneCodebase'],
      'codebase-missing',
      'the stage clones the codebase but pipeline.properties.ci.codebase is not set',
      'set cloneCodebase: false, or add properties.ci.codebase (connectorRef, repoName, build) to the pipeline',
    );
  }
  if (name === undefined || identifier === undefined || type === undefined)
    return undefined;
  return {
    kind: 'stage',
    name,
    identifier,
    type,
    ...(typeof m.description === 'string'
      ? { description: m.description }
      : {}),
    ...optional('tags', readStringMap(m, 'tags', path, c)),
    ...optional('variables', readVariables(m, path, c)),
    ...optional('when', readStageWhen(m, path, c)),
    ...optional('failureStrategies', readFailureStrategies(m, path, c)),
    ...optional('strategy', readStrategy(m, path, c)),
    ...optional('timeout', timeout),
    spec: {
      execution: { steps, ...optional('rollbackSteps', rollbackSteps) },
      ...(isMap(spec.infrastructure)
        ? { infrastructure: spec.infrastructure }
        : {}),
      ...(isMap(spec.runtime) ? { runtime: spec.runtime } : {}),
      ...(isMap(spec.platform) ? { platform: spec.platform } : {}),
      ...(isMap(spec.caching) ? { caching: spec.caching } : {}),
      ...(cloneCodebase !== undefined
        ? { cloneCodebase: cloneCodebase as boolean | string }
        : {}),
      ...optional('sharedPaths', readSharedPaths(spec, specPath, c)),
      ...(Object.keys(specExtra).length ? { extra: specExtra } : {}),
    },
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** `infrastructure`/`runtime` blocks: kept as written, their `type` checked. */
function checkTypedBlock(
  spec: Record<string, YamlValue>,
  key: string,
  types: string[],
  path: YamlPath,
  c: ProblemCollector,
) {
  if (spec[key] === undefined || spec[key] === null) return;
  const block = expectMap(spec[key], [...path, key], c, key);
  if (block)
    readEnum(block, 'type', [...path, key], types, c, {
      required: true,
      allowDynamic: true,
    });
}

function hasCodebase(pipeline: Record<string, YamlValue>): boolean {
  const props = pipeline.properties;
  return isMap(props) && isMap(props.ci) && isMap(props.ci.codebase);
}
