/*
 * Harness runtime inputs (`<+input>...`): parsing, fully-qualified names,
 * discovery in a pipeline, input-set normalisation and resolution.
 */
export {
  RUNTIME_INPUT_MODIFIERS,
  choicesOf,
  compileInputRegex,
  hasExpression,
  isRuntimeInput,
  parseRuntimeInput,
  splitSelection,
} from './runtimeInput';
export type {
  InputRegex,
  RuntimeInput,
  RuntimeInputChoices,
  RuntimeInputModifierName,
  RuntimeInputParseResult,
} from './runtimeInput';
export { listPipelineFields, walkPipelineFields } from './fqn';
export type { PipelineField, VariableContext, VariableScope } from './fqn';
export { collectRuntimeInputs, parseNumber } from './collectInputs';
export type { RuntimeInputInfo, VariableType } from './collectInputs';
export { normalizeInputSet } from './inputSet';
export type {
  InputKeyForm,
  InputSetEntry,
  InputValue,
  NormalizedInputSet,
} from './inputSet';
export { checkInputValue } from './checkValue';
export type { CheckedValue } from './checkValue';
export { resolveRuntimeInputs } from './resolveInputs';
export type {
  PipelineDocument,
  ResolveOptions,
  ResolveResult,
} from './resolveInputs';
export { mergeInputSets } from './mergeInputSets';
export {
  collectSecretVariables,
  findInputSecretUses,
  findSecretReferences,
  normalizeSecretId,
} from './inputSecrets';
export type { InputSecretUse, SecretVariables } from './inputSecrets';
