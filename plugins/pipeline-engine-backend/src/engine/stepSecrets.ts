import { InputError } from '@backstage/errors';
import type { StepSecrets } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { SecretMasker } from './secretMasker';

/**
 * Resolves secret references the way Harness scopes them: `account.x`,
 * `org.x` and `x` are looked up as written, then by their bare id.
 */
export class StepSecretResolver implements StepSecrets {
  constructor(
    private readonly secrets: Record<string, string>,
    private readonly masker: SecretMasker,
  ) {}

  async get(reference: string): Promise<string> {
    const bare = reference.replace(/^(account|org)\./, '');
    const key = [reference, bare].find(k => Object.prototype.hasOwnProperty.call(this.secrets, k));
    const value = key === undefined ? undefined : this.secrets[key];
    if (value === undefined) {
      throw new InputError(
        `secret "${reference}" is not configured; add it under pipelineEngine.secrets in app-config (e.g. ${bare}: \${SECRET_ENV_VAR})`,
      );
    }
    this.masker.add(value);
    return value;
  }

  mask(value: string): void {
    this.masker.add(value);
  }
}
