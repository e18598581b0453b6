import type {
  ExecutionElement,
  Pipeline,
  PipelineVariable,
  StageNode,
  YamlValue,
} from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { StepSpecRegistry } from '../steps/registry';
import type { ProblemCollector } from './collector';
import { isMap } from './readers';
import { nearest } from './suggest';

/*
 * Static reference check: every `<+pipeline.variables.x>`,
 * `<+stage.variables.x>`, `<+stepGroup.variables.x>` and step-output
 * reference that cannot exist is a warning naming the nearest existing name.
 * Warnings, not errors: a value may be produced in ways we cannot see
 * statically (templates, looping suffixes).
 */

interface StepSymbol {
  outputs: string[] | undefined;
  looped: boolean;
  /** Children of a step group. */
  steps?: Map<string, StepSymbol>;
  variables?: string[];
}

interface StageSymbol {
  variables: string[];
  steps: Map<string, StepSymbol>;
}

interface Scope {
  stage?: StageSymbol;
  /** Innermost last. */
  groups: StepSymbol[];
}

const REFERENCE =
  /<\+\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*|\[\s*(?:"[^"]*"|'[^']*'|\d+)\s*\])*)/g;

interface Miss {
  what: string;
  name: string;
  suggestion?: string;
  known: string[];
  fixed?: string;
}

class ReferenceChecker {
  private readonly variables: string[];
  private readonly stages = new Map<string, StageSymbol>();

  constructor(
    pipeline: Pipeline,
    registry: StepSpecRegistry,
    private readonly c: ProblemCollector,
  ) {
    this.variables = names(pipeline.variables);
    for (const entry of pipeline.stages) {
      for (const stage of entry.kind === 'parallel' ? entry.stages : [entry]) {
        this.stages.set(stage.identifier, stageSymbol(stage, registry));
      }
    }
  }

  walk(value: YamlValue, path: YamlPath, scope: Scope): void {
    if (typeof value === 'string') {
      if (value.includes('<+')) this.checkString(value, path, scope);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.walk(v, [...path, i], scope));
      return;
    }
    if (!isMap(value)) return;
    for (const [key, v] of Object.entries(value)) {
      this.walk(v, [...path, key], this.enter(key, v, scope));
    }
  }

  /** The scope inside `key: v`: entering a stage or a step group changes it. */
  private enter(key: string, v: YamlValue, scope: Scope): Scope {
    if (!isMap(v) || typeof v.identifier !== 'string') return scope;
    if (key === 'stage')
      return { stage: this.stages.get(v.identifier), groups: [] };
    if (key === 'stepGroup') {
      const siblings = scope.groups.length
        ? scope.groups[scope.groups.length - 1].steps
        : scope.stage?.steps;
      const group = siblings?.get(v.identifier);
      if (group) return { ...scope, groups: [...scope.groups, group] };
    }
    return scope;
  }

  private checkString(text: string, path: YamlPath, scope: Scope): void {
    for (const match of text.matchAll(REFERENCE)) {
      const segments = match[1]
        .split(/\s*\.\s*|\[|\]/)
        .map(s => s.trim().replace(/^["']|["']$/g, ''))
        .filter(Boolean);
      const problem = this.resolve(segments, scope);
      if (!problem) continue;
      let hint: string | undefined;
      if (problem.fixed) hint = `write <+${problem.fixed}> if that was meant`;
      else if (problem.known.length)
        hint = `known: ${problem.known.join(', ')}`;
      this.c.warn(
        path,
        'unknown-reference',
        `<+${match[1]}> refers to ${problem.what} "${problem.name}", which does not exist${problem.suggestion ? `; did you mean "${problem.suggestion}"?` : ''}`,
        hint,
      );
    }
  }

  private resolve(s: string[], scope: Scope): Miss | undefined {
    const [root, second] = s;
    if (root === 'pipeline' && second === 'variables' && s.length > 2) {
      return this.variables.includes(s[2])
        ? undefined
        : miss(s, 2, 'pipeline variable', this.variables);
    }
    if (root === 'pipeline' && second === 'stages' && s.length > 2) {
      const stage = this.stages.get(s[2]);
      if (!stage) return miss(s, 2, 'stage', [...this.stages.keys()]);
      return resolveInStage(s, 3, stage);
    }
    if (
      root === 'stage' &&
      second === 'variables' &&
      s.length > 2 &&
      scope.stage
    ) {
      return scope.stage.variables.includes(s[2])
        ? undefined
        : miss(s, 2, 'stage variable', scope.stage.variables);
    }
    if (
      root === 'stepGroup' &&
      second === 'variables' &&
      s.length > 2 &&
      scope.groups.length
    ) {
      const vars = scope.groups[scope.groups.length - 1].variables ?? [];
      return vars.includes(s[2])
        ? undefined
        : miss(s, 2, 'step group variable', vars);
    }
    if (root === 'execution' && second === 'steps' && scope.stage) {
      return resolveSteps(s, 2, scope.stage.steps);
    }
    if (root === 'steps' && scope.stage && s.length > 1) {
      // Innermost group first, then enclosing groups, then the stage.
      const levels = [
        ...scope.groups.map(g => g.steps ?? new Map()).reverse(),
        scope.stage.steps,
      ];
      const found = levels.find(level => lookupStep(level, s[1]));
      if (found) return resolveSteps(s, 1, found);
      return miss(s, 1, 'step', [
        ...new Set(levels.flatMap(l => [...l.keys()])),
      ]);
    }
    return undefined;
  }
}

function miss(
  segments: string[],
  index: number,
  what: string,
  known: string[],
): Miss {
  const name = segments[index];
  const suggestion = nearest(name, known);
  const fixed = suggestion
    ? [
        ...segments.slice(0, index),
        suggestion,
        ...segments.slice(index + 1),
      ].join('.')
    : undefined;
  return { what, name, suggestion, known, fixed };
}

function resolveSteps(
  s: string[],
  i: number,
  level: Map<string, StepSymbol>,
): Miss | undefined {
  if (s.length <= i) return undefined;
  const step = lookupStep(level, s[i]);
  if (!step) return miss(s, i, 'step', [...level.keys()]);
  if (step === 'looped') return undefined;
  if (s[i + 1] === 'steps' && step.steps)
    return resolveSteps(s, i + 2, step.steps);
  if (s[i + 1] === 'variables' && step.variables && s.length > i + 2) {
    return step.variables.includes(s[i + 2])
      ? undefined
      : miss(s, i + 2, 'step group variable', step.variables);
  }
  if (
    s[i + 1] === 'output' &&
    s[i + 2] === 'outputVariables' &&
    s.length > i + 3 &&
    step.outputs
  ) {
    return step.outputs.includes(s[i + 3])
      ? undefined
      : miss(s, i + 3, 'output variable', step.outputs);
  }
  return undefined;
}

function resolveInStage(
  s: string[],
  i: number,
  stage: StageSymbol,
): Miss | undefined {
  if (s[i] === 'variables' && s.length > i + 1) {
    return stage.variables.includes(s[i + 1])
      ? undefined
      : miss(s, i + 1, 'stage variable', stage.variables);
  }
  if (s[i] === 'spec' && s[i + 1] === 'execution' && s[i + 2] === 'steps') {
    return resolveSteps(s, i + 3, stage.steps);
  }
  return undefined;
}

/** A step by identifier; looped steps also answer to `id_<suffix>`. */
function lookupStep(
  level: Map<string, StepSymbol>,
  id: string,
): StepSymbol | 'looped' | undefined {
  const direct = level.get(id);
  if (direct) return direct;
  for (const [key, symbol] of level) {
    if (symbol.looped && id.startsWith(`${key}_`)) return 'looped';
  }
  return undefined;
}

function names(variables: PipelineVariable[] | undefined): string[] {
  return (variables ?? []).map(v => v.name);
}

function stageSymbol(
  stage: StageNode,
  registry: StepSpecRegistry,
): StageSymbol {
  return {
    variables: names(stage.variables),
    steps: stepSymbols(stage.spec.execution.steps, registry),
  };
}

function stepSymbols(
  elements: ExecutionElement[],
  registry: StepSpecRegistry,
): Map<string, StepSymbol> {
  const out = new Map<string, StepSymbol>();
  for (const el of elements) {
    for (const node of el.kind === 'parallel' ? el.elements : [el]) {
      if (node.kind === 'step') {
        out.set(node.identifier, {
          outputs: registry.get(node.type)?.outputs?.(node.spec),
          looped: !!node.strategy,
        });
      } else {
        out.set(node.identifier, {
          outputs: undefined,
          looped: !!node.strategy,
          steps: stepSymbols(node.steps, registry),
          variables: names(node.variables),
        });
      }
    }
  }
  return out;
}

/** Warns about references to variables, stages, steps and outputs that do not exist. */
export function checkReferences(
  raw: YamlValue,
  pipeline: Pipeline,
  registry: StepSpecRegistry,
  c: ProblemCollector,
): void {
  new ReferenceChecker(pipeline, registry, c).walk(raw, ['pipeline'], {
    groups: [],
  });
}
