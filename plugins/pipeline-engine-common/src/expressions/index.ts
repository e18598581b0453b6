/*
 * Harness `<+...>` expressions: scanning, rewriting to jexl, evaluation
 * against an execution context, secret tagging and sandboxing.
 */
export { ExpressionEngine } from './engine';
export type {
  EvaluationResult,
  ExpressionEngineOptions,
  Outcome,
  RenderResult,
  TemplateAnalysis,
} from './engine';
export { createExpressionContext } from './context';
export type {
  ExpressionContext,
  ExpressionScope,
  ExpressionSnapshot,
  PipelineSnapshot,
  StageSnapshot,
  StepGroupSnapshot,
  StepSnapshot,
} from './context';
export { ExpressionError } from './errors';
export type {
  ExpressionErrorCode,
  ExpressionErrorLocation,
  ExpressionErrorOptions,
} from './errors';
export { MAX_NESTING, hasExpressions, scanTemplate } from './scan';
export type { BodyPart, ExpressionNode, TemplateSegment } from './scan';
export { MAX_DEPTH, MAX_TOKENS, rewriteToJexl } from './rewrite';
export type { JexlSource } from './rewrite';
export { SecretReference, renderText, secretRef } from './values';
export type { JsonValue } from './values';
export { FORBIDDEN_NAMES, KNOWN_ROOTS } from './access';
export { KNOWN_METHODS } from './methods';
export { JAVA_STRING_METHODS } from './javaStringMethods';
export type { MethodSpec } from './javaStringMethods';
export {
  javaMatches,
  javaRegExp,
  javaRegexProblem,
  javaReplaceAll,
  javaSplit,
  linearMatcher,
} from './javaRegex';
