export interface Config {
  /** Configuration of the pipeline engine plugin (`@idp-pipelines/plugin-pipeline-engine-backend`). */
  pipelineEngine?: {
    /** Harness account identifier, for `<+account.identifier>`. Default `default`. */
    accountIdentifier?: string;

    /**
     * Secrets by identifier, as pipelines reference them
     * (`<+secrets.getValue("id")>`, Secret variables, SlackNotify `token: id`).
     * Reference environment variables: `slack_token: ${SLACK_TOKEN}`.
     * `account.x` and `org.x` references find `x` here.
     * @visibility secret
     */
    secrets?: { [id: string]: string };

    /**
     * Key that encrypts secret step outputs at rest (AES-256-GCM; any string,
     * hashed to a key). Without it secret outputs are never stored, so a
     * pipeline resumed after a restart cannot read earlier secret outputs.
     * @visibility secret
     */
    secretsEncryptionKey?: string;

    /** Expression evaluation. */
    expressions?: {
      /**
       * `strict` (default): an unresolvable `<+...>` reference fails the step,
       * naming the expression and the segment. `lenient`: it renders `null`.
       */
      mode?: 'strict' | 'lenient';
    };

    /** Stage workspaces. */
    workspace?: {
      /** Directory for stage workspaces; default `<os tmpdir>/pipeline-engine`. */
      root?: string;
    };

    /** The execution worker of this replica. */
    worker?: {
      /** Run executions on this replica; default true. */
      enabled?: boolean;
      /** Executions run at once on this replica; default 4. */
      concurrency?: number;
      /** Lease of a claimed execution, renewed by heartbeats; default 30. */
      leaseSeconds?: number;
      /** How often an idle replica looks for queued executions; default 1000. */
      pollIntervalMs?: number;
    };

    /** Defaults for pipelines that do not say. */
    defaults?: {
      /** Step timeout when a step has none; default `1h`. */
      stepTimeout?: string;
    };

    /** Where Run, ShellScript, Plugin and CreateResource steps run. */
    runners?: {
      /** Processes on the backend host, in the stage workspace, with a scrubbed environment. */
      local?: {
        /** Allow processes on the backend host; default false (steps then fail saying how to enable it). */
        enabled?: boolean;
        /** Names of backend environment variables passed to processes besides PATH, HOME, LANG/LC_*, TZ, TMPDIR, USER; default none. */
        inheritEnv?: string[];
        /** With no container runner, run steps that name an `image` on the host, ignoring the image (with a warning); default false. */
        runImageStepsLocally?: boolean;
      };
      /** A container CLI for steps with an `image` (and Plugin steps). */
      docker?: {
        /** `docker`, `podman` or a path; unset = no container runner. */
        command?: string;
        /** Image for Run/ShellScript steps that name none; unset = run them on the host. */
        defaultImage?: string;
        /** Extra `run` arguments placed before the image. */
        runArgs?: string[];
        /** Allow `privileged: true`; default false. */
        allowPrivileged?: boolean;
      };
      /** Time between SIGTERM and SIGKILL when a step is aborted or times out; default `10s`. */
      killGracePeriod?: string;
      /** The CreateResource step. */
      createResource?: {
        /** `tofu` (default), `terraform`, or a path to either. */
        command?: string;
        /** Exported as HARNESS_ENDPOINT. */
        endpoint?: string;
        /** Exported as TF_PLUGIN_CACHE_DIR. */
        pluginCacheDir?: string;
      };
    };

    /** The Http step. */
    http?: {
      /**
       * Hosts the Http step may call (default none: no SSRF by default).
       * `host` (default port), `host:8080`, `host:*`, `*.example.com`
       * (subdomains), `*` (any host, default ports), `*:*` (anything).
       * Every redirect hop is checked too.
       */
      allow?: string[];
    };

    /**
     * Pipelines loaded at startup (store type REMOTE). Each entry is a local
     * file path (relative to the backend's working directory) or a URL read
     * through Backstage's integrations (UrlReader).
     */
    pipelines?: Array<{
      /** File path or URL of the pipeline YAML. */
      target: string;
    }>;
  };
}
