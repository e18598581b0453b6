/**
 * The pipeline engine backend plugin: runs Harness-style IDP pipelines in
 * Backstage.
 *
 * @packageDocumentation
 */

export { pipelineEnginePlugin as default } from './plugin';
