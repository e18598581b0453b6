export interface Config {
  /** Harness SaaS targets of the `trigger:*` scaffolder actions. */
  harness?: {
    /**
     * Hosts whose pipeline URLs run on Harness SaaS instead of this
     * Backstage's pipeline engine, e.g. `https://app.harness.io`.
     * URLs on any other host run in the pipeline engine.
     */
    baseUrls?: string[];
    /**
     * API keys by secret identifier, for the actions' `apiKeySecret` input.
     * @visibility secret
     */
    apiKeySecrets?: { [id: string]: string };
    /** How often to poll a Harness execution, in milliseconds; default 5000. */
    pollIntervalMs?: number;
    /**
     * How often to poll step statuses of an execution in this Backstage's
     * pipeline engine, in milliseconds; default 1000. Log lines stream
     * without polling.
     */
    enginePollIntervalMs?: number;
  };
}
