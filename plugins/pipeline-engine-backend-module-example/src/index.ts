/**
 * Example module of the pipeline engine: a step (SignPayload) and a secret
 * source (one file per secret), added through the engine's extension points.
 *
 * @packageDocumentation
 */

export { pipelineEngineModuleExample as default } from './module';
export { createFileSecretSource } from './fileSecretSource';
export { signPayloadStep, signPayloadStepDefinition } from './signPayloadStep';
