import { InputError } from '@backstage/errors';
import type {
  PipelineSecretSource,
  StepSecrets,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { SecretMasker } from './secretMasker';
import { bareSecretId, readFromSources } from './secretSources';

/**
 * Resolves secret references the way Harness scopes them: `account.x`,
 * `org.x` and `x` are looked up as written, then by their bare id; ids
 * config lacks are asked of the secret sources.
 */
export class StepSecretResolver implements StepSecrets {
  constructor(
    private readonly secrets: Record<string, string>,
    private readonly masker: SecretMasker,
    private readonly sources: readonly PipelineSecretSource[] = [],
  ) {}

  async get(reference: string): Promise<string> {
    const bare = bareSecretId(reference);
    const key = [reference, bare].find(k =>
      Object.prototype.hasOwnProperty.call(this.secrets, k),
    );
    const value =
      key === undefined
        ? await readFromSources(this.sources, bare)
        : this.secrets[key];
    if (value === undefined) {
      const sources = this.sources.length
        ? ` or to a secret source (${this.sources.map(s => s.name).join(', ')})`
        : '';
      throw new InputError(
        `secret "${reference}" is not configured; add it under pipelineEngine.secrets in app-config (e.g. ${bare}: \${SECRET_ENV_VAR})${sources}`,
      );
    }
    this.masker.add(value);
    return value;
  }

  mask(value: string): void {
    this.masker.add(value);
  }
}
