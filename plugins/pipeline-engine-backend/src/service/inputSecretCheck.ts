import { InputError, NotAllowedError } from '@backstage/errors';
import {
  collectSecretVariables,
  findInputSecretUses,
  secretUsePermission,
  type InputSecretUse,
  type RuntimeInputInfo,
} from '@idp-pipelines/plugin-pipeline-engine-common';

function describeUse(use: InputSecretUse): string {
  if (use.kind === 'secretVariable') {
    return `input "${use.input}" (a Secret variable) names secret "${use.secretId}"`;
  }
  if (use.kind === 'variableReference') {
    return `input "${use.input}" reads a Secret variable holding secret "${use.secretId}" (${use.source})`;
  }
  return `input "${use.input}" reads secret "${use.secretId}" (${use.source})`;
}

/**
 * Refuses, before anything is queued, input values of the caller that would
 * read secrets it may not use: an InputError (400) when a secret id is
 * computed (it cannot be checked before running), a NotAllowedError (403)
 * naming every input and secret the caller lacks
 * `pipeline-engine.secret.use` on.
 */
export async function checkCallerSecretUse(
  callerInputSet: unknown,
  pipeline: {
    runtimeInputs: readonly RuntimeInputInfo[] | undefined;
    resolvedDocument: unknown;
  },
  deniedSecrets: ((secretIds: string[]) => Promise<string[]>) | undefined,
): Promise<void> {
  if (callerInputSet === undefined || callerInputSet === null) return;
  // Only expressions can read Secret variables: skip the walk for plain values.
  const secretVariables = JSON.stringify(callerInputSet).includes('<+')
    ? collectSecretVariables(pipeline.resolvedDocument)
    : new Map<string, string | undefined>();
  const uses = findInputSecretUses(
    callerInputSet,
    pipeline.runtimeInputs ?? [],
    secretVariables,
  );
  if (uses.length === 0) return;
  const computed = uses.filter(use => use.secretId === undefined);
  if (computed.length) {
    throw new InputError(
      `${computed.map(use => `input "${use.input}" reads a secret through ${use.source}`).join('; ')}: ` +
        'a secret read by an input value must be named by a quoted id (e.g. <+secrets.getValue("my_secret")>) ' +
        'or come from a Secret variable whose secret is known before the run, so it can be checked before the run',
    );
  }
  const ids = [...new Set(uses.map(use => use.secretId!))];
  const denied = new Set(deniedSecrets ? await deniedSecrets(ids) : ids);
  const refused = uses.filter(use => denied.has(use.secretId!));
  if (refused.length) {
    throw new NotAllowedError(
      `${refused.map(describeUse).join('; ')}, but the caller is not allowed ${secretUsePermission.name} on ` +
        `${[...new Set(refused.map(use => `"${use.secretId}"`))].join(', ')}; ` +
        'ask for that permission, or let the pipeline (or a stored input set) read the secret instead of the input value',
    );
  }
}
