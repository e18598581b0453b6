import type { Config } from '@backstage/config';

/**
 * The `harness` config block, read once at startup.
 *
 * @public
 */
export interface HarnessActionsConfig {
  /** Origins (`https://app.harness.io`) whose pipeline URLs run on Harness. */
  harnessOrigins: string[];
  /** API keys by secret identifier, for the `apiKeySecret` input. */
  apiKeySecrets: Record<string, string>;
  /** Poll interval of Harness executions. */
  harnessPollIntervalMs: number;
  /** Poll interval of step statuses in this engine. */
  enginePollIntervalMs: number;
}

function positive(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!(value > 0)) {
    throw new Error(`harness.${key} must be a positive number, got ${value}`);
  }
  return value;
}

/**
 * Reads `harness.*`; throws at startup on malformed base URLs.
 *
 * @public
 */
export function readHarnessActionsConfig(root: Config): HarnessActionsConfig {
  const config = root.getOptionalConfig('harness');
  const harnessOrigins = (config?.getOptionalStringArray('baseUrls') ?? []).map(
    baseUrl => {
      try {
        return new URL(baseUrl).origin;
      } catch {
        throw new Error(
          `harness.baseUrls entry "${baseUrl}" is not a URL such as https://app.harness.io`,
        );
      }
    },
  );
  const secrets = config?.getOptionalConfig('apiKeySecrets');
  const apiKeySecrets: Record<string, string> = {};
  for (const id of secrets?.keys() ?? []) {
    apiKeySecrets[id] = secrets!.getString(id);
  }
  return {
    harnessOrigins,
    apiKeySecrets,
    harnessPollIntervalMs: positive(config, 'pollIntervalMs', 5000),
    enginePollIntervalMs: positive(config, 'enginePollIntervalMs', 1000),
  };
}
