import { InputError } from '@backstage/errors';
import type { RerunRequest } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Request } from 'express';
import { executeRequestOf } from './requestParsing';

const RERUN_KEYS = ['fromStage', 'inputs'];

/**
 * The re-run body: `{fromStage?, inputs?}` where `inputs` is `same` (the
 * default) or what the execute route accepts as its body, read by the very
 * same parser so the same checks apply.
 */
export function rerunRequestOf(req: Request): RerunRequest {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body) || body === null) {
    throw new InputError(
      'Expected a JSON body {fromStage?: <stage identifier>, inputs?: "same" | {inputSet, inputSetRefs}}',
    );
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(k => !RERUN_KEYS.includes(k));
  if (unknown.length) {
    throw new InputError(
      `Unknown field(s) ${unknown.join(', ')} in the re-run body; it takes fromStage and inputs`,
    );
  }
  const { fromStage, inputs } = fields;
  if (
    fromStage !== undefined &&
    (typeof fromStage !== 'string' || fromStage === '')
  ) {
    throw new InputError('fromStage must be a stage identifier (a string)');
  }
  let parsedInputs: RerunRequest['inputs'];
  if (inputs === undefined || inputs === 'same') {
    parsedInputs = 'same';
  } else if (
    typeof inputs === 'object' &&
    inputs !== null &&
    !Array.isArray(inputs)
  ) {
    parsedInputs = executeRequestOf({ body: inputs } as Request);
  } else {
    throw new InputError(
      'inputs must be "same" or an execute request {inputSet, inputSetRefs, allowUnknownKeys}',
    );
  }
  return {
    ...(fromStage !== undefined ? { fromStage: fromStage as string } : {}),
    inputs: parsedInputs,
  };
}
