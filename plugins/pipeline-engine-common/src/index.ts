/**
 * Harness pipeline model, parser/validator, runtime inputs and expressions
 * for the Backstage pipeline engine. Pure functions: no I/O.
 *
 * @packageDocumentation
 */

export * from './model/types';
export { formatYamlPath, parseYamlPath } from './parser/yamlPath';
export type { PathSegment, YamlPath } from './parser/yamlPath';
export { parseYaml } from './parser/parseYaml';
export {
  MAX_NESTING_DEPTH,
  nestingExceeds,
  nestingMessage,
  yamlFlowNestingExceeds,
} from './parser/nesting';
export type { ParsedYaml, SourcePosition } from './parser/parseYaml';
export { formatProblem, hasErrors } from './validation/problem';
export type { Problem, ProblemSeverity } from './validation/problem';
export { didYouMean, editDistance, nearest } from './validation/suggest';
export {
  IDENTIFIER_PATTERN,
  NAME_PATTERN,
  VARIABLE_NAME_PATTERN,
  isDynamic,
  parseDuration,
} from './validation/rules';
export {
  parsePipeline,
  parsePipelineWithTemplates,
  validatePipelineValue,
} from './validation/parsePipeline';
export type {
  DocumentKind,
  ParsePipelineOptions,
  ParsePipelineResult,
  ParsePipelineWithTemplatesOptions,
  ParsePipelineWithTemplatesResult,
} from './validation/parsePipeline';
export * from './templates';
export { StepSpecRegistry } from './steps/registry';
export { createDefaultStepSpecRegistry } from './steps/defaultRegistry';
export { defineStep } from './steps/defineStep';
export type { StepDefinition } from './steps/defineStep';
export {
  expressionTolerant,
  isExpression,
  orExpression,
} from './steps/expressionTolerant';
export {
  booleanValue,
  declaredOutputs,
  envMap,
  integerValue,
  jsonList,
  namedVariableList,
  optionalFlag,
  optionalText,
  requiredText,
  textValue,
} from './steps/fields';
export type { FieldSchema, NamedVariable } from './steps/fields';
export * from './steps/builtin';
export * from './inputs';
export * from './api/types';
export * from './expressions';
export * from './permissions';
export {
  BUILTIN_ENTITY_KINDS,
  builtinKindValidators,
  catalogEntityPolicy,
  catalogEntityProblem,
} from './catalog/entityRules';
export * from './client';
