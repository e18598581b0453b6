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
      /**
       * How often an idle replica looks for queued and expired executions
       * without being told (new executions wake the workers of every replica
       * at once); default 5000.
       */
      pollIntervalMs?: number;
      /**
       * Identity of this replica, stable across its restarts and unique per
       * replica (letters, digits, `.`, `_`, `:`, `-`). A replica restarted
       * with the same id kills the step processes its predecessor left and
       * takes its executions back at once. Default: the host name and a hash
       * of `workspace.root`.
       */
      instanceId?: string;
    };

    /** Scheduled (cron) triggers. */
    triggers?: {
      scheduled?: {
        /**
         * Fire Scheduled triggers from this backend; default true. Every
         * replica may: each occurrence fires on exactly one.
         */
        enabled?: boolean;
        /** How often due occurrences are looked for, in seconds; default 10. */
        checkIntervalSeconds?: number;
        /**
         * An occurrence older than this when first seen (no replica was up)
         * is skipped, and the next one fires; default 60, at least three
         * check intervals.
         */
        missedAfterSeconds?: number;
      };
    };

    /** Deletion of old executions. */
    retention?: {
      /**
       * Executions that ended more than this many days ago are deleted hourly,
       * with their node executions and logs (never one that is still queued,
       * running or waiting); default 90, 0 keeps them forever.
       */
      days?: number;
    };

    /** Defaults for pipelines that do not say. */
    defaults?: {
      /** Step timeout when a step has none; default `1h`. */
      stepTimeout?: string;
    };

    /**
     * Git connectors, referenced by steps as `connectorRef: account.<id>`,
     * `org.<id>` or `<id>`. Where a connector's host has an entry under
     * Backstage's `integrations` and the connector has no `auth`, the
     * integration's credentials are used (GitHub App installation tokens
     * included), so nothing is configured twice.
     */
    connectors?: {
      [id: string]: {
        /**
         * Provider. `Bitbucket` is Bitbucket Cloud on bitbucket.org (or a host
         * under `integrations.bitbucketCloud`), Bitbucket Server/Data Center
         * otherwise. `Git` is any git server (clone and push only). `Local` is
         * the engine's own git host (`pipelineEngine.localGit`).
         */
        type: 'Github' | 'Gitlab' | 'Bitbucket' | 'AzureRepo' | 'Git' | 'Local';
        /**
         * Account URL (`https://github.com/my-org`, `https://gitlab.com/group`,
         * `https://bitbucket.org/workspace`, `https://dev.azure.com/org/project`)
         * or, with `urlType: Repo`, one repository's URL. SSH remotes
         * (`git@host:org`, `ssh://git@host:2222/org`) are accepted with `auth.type: ssh`.
         * Must not contain credentials. Defaults: Github `https://github.com`,
         * Gitlab `https://gitlab.com`, Bitbucket `https://bitbucket.org`,
         * AzureRepo `https://dev.azure.com`; required for Git. For Local:
         * optional `<organization>` (Account) or `<organization>/<repository>` (Repo).
         */
        url?: string;
        /** `Account` (default): steps add the organization/repository; `Repo`: the URL names the repository. */
        urlType?: 'Account' | 'Repo';
        /**
         * REST API base URL when it cannot be derived (default: from the
         * matching integration, else `https://api.github.com` /
         * `<url origin>/api/v3` for GitHub, `https://api.bitbucket.org/2.0`,
         * `<origin>/rest/api/1.0` for Bitbucket Server).
         */
        apiUrl?: string;
        /**
         * Credentials. Every secret field has a `...Secret` twin naming an
         * entry of `pipelineEngine.secrets` instead (e.g. `tokenSecret: account.gh_token`).
         * Without `auth`, the matching `integrations` entry's credentials are used.
         */
        auth?:
          | {
              type: 'token';
              /**
               * GitHub/GitLab token, Bitbucket access token, Azure DevOps PAT.
               * @visibility secret
               */
              token?: string;
              /** Secret id holding the token. */
              tokenSecret?: string;
            }
          | {
              type: 'usernamePassword';
              username: string;
              /**
               * Password, app password or API token (Bitbucket: with the account e-mail as username).
               * @visibility secret
               */
              password?: string;
              /** Secret id holding the password. */
              passwordSecret?: string;
            }
          | {
              type: 'githubApp';
              /** App ID (or client ID). */
              appId: string | number;
              /** Installation ID of the app in the organization. */
              installationId: string | number;
              /**
               * PEM private key of the app.
               * @visibility secret
               */
              privateKey?: string;
              /** Secret id holding the private key. */
              privateKeySecret?: string;
            }
          | {
              type: 'ssh';
              /** Secret id holding the private key (OpenSSH/PEM). */
              privateKeySecret?: string;
              /**
               * The private key itself.
               * @visibility secret
               */
              privateKey?: string;
              /**
               * known_hosts lines; when set, host keys are checked strictly,
               * otherwise the first key seen is accepted.
               */
              knownHosts?: string;
            };
      };
    };

    /** The local git host (connector type `Local`). */
    localGit?: {
      /**
       * Directory of the bare repositories, `<root>/<organization>/<repository>.git`,
       * relative to the backend's working directory. Default `.data/git`.
       */
      root?: string;
      /**
       * Directories published as repositories of the built-in git host at
       * start-up (e.g. the example cookiecutter template), idempotently: a
       * changed directory becomes a new commit, an unchanged one nothing.
       */
      seed?: Array<{
        /** `<organization>/<repository>`, e.g. `templates/service`. */
        repository: string;
        /** Directory of the files, relative to the backend's working directory. */
        source: string;
        /** Default `main`. */
        branch?: string;
        /** Default `public` (anyone may clone it); `private` needs a Backstage token. */
        visibility?: 'public' | 'private';
      }>;
    };

    /** Commits made by the DirectPush step. */
    git?: {
      /** Author and committer; default the user who triggered the execution. */
      author?: {
        name?: string;
        email?: string;
      };
      /** Commit message; default `Push from pipeline <pipeline> (execution <id>)`. */
      commitMessage?: string;
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
        /**
         * Unprivileged account (name or uid) processes run as when the backend
         * runs as root, so a step cannot read the backend's memory or private
         * files; the workspace is given to it before each process. Unset, or
         * when the backend is not root: processes run as the backend's user.
         */
        user?: string;
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

    /** The catalog steps. */
    catalog?: {
      /** How long RegisterCatalog waits for the entities to appear (duration such as `60s`, or seconds); default `60s`. */
      registerTimeout?: string | number;
      /** How long UpdateCatalogProperty waits for the overlaid value to show; default `60s`. */
      propertyTimeout?: string | number;
    };

    /** HarnessApproval steps. */
    approvals?: {
      notifications?: {
        /**
         * Notify the approvers through Backstage's notifications service
         * (`@backstage/plugin-notifications-backend`) when an approval starts
         * waiting; default true. Without that backend, sends fail, a warning
         * is logged once and approvals work as before. `false` also turns
         * the Slack message off.
         */
        enabled?: boolean;
        /**
         * Also post a message to a Slack channel when an approval starts
         * waiting (pipeline, step, approval message, approver groups, link
         * to the execution page), through `chat.postMessage` at
         * `pipelineEngine.slack.apiUrl`, whose host must be in
         * `pipelineEngine.network.allow`. Absent: no Slack message.
         */
        slack?: {
          /** Channel name (`#approvals`) or id the bot may post to. */
          channel: string;
          /**
           * Bot token (`xoxb-...`), or a Harness secret reference
           * (`account.slack_token`) resolved in the pipeline's scope, as the
           * SlackNotify step's `token`.
           * @visibility secret
           */
          token: string;
        };
      };
    };
    /** The SlackNotify step. */
    slack?: {
      /** Slack Web API base URL (Slack-compatible servers, tests); default `https://slack.com/api/`. */
      apiUrl?: string;
    };

    /** The CookieCutter step. */
    cookiecutter?: {
      /** `builtin` (default; in-process, no Python) or `cli` (the real cookiecutter program; runs hooks). */
      engine?: 'builtin' | 'cli';
      /** Path of the cookiecutter program for the `cli` engine; default `cookiecutter`. */
      command?: string;
    };

    /** The Http step. */
    /**
     * The one allow list for every outbound URL a pipeline chooses: Http
     * step URLs (and their redirects), CookieCutter `publicTemplateUrl`,
     * GitClone remotes and RegisterCatalog URLs. Allowed without listing:
     * the backend's own host (`backend.baseUrl`), every host of
     * `integrations.*` and of `pipelineEngine.connectors`. Link-local and
     * cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254,
     * IPv4-mapped forms) are refused even when allowed or when a name
     * resolves to them.
     */
    network?: {
      /**
       * Host patterns: `host` (the scheme's default port), `host:8080`,
       * `host:*`, `*.example.com` (subdomains), `*` (any host, default
       * ports), `*:*` (anything).
       */
      allow?: string[];
      /**
       * Allow `file:` URLs and local paths as repository URLs (CookieCutter
       * `publicTemplateUrl`, GitClone). Default false: they could read any
       * repository on the backend host.
       */
      allowLocalPaths?: boolean;
    };

    /** @deprecated use `pipelineEngine.network`. */
    http?: {
      /**
       * Deprecated alias of `pipelineEngine.network.allow`, merged into it
       * (with a warning at startup).
       * @deprecated use `pipelineEngine.network.allow`
       */
      allow?: string[];
    };

    /**
     * Pipelines loaded at startup (store type REMOTE). Each entry is a local
     * file path (relative to the backend's working directory), a URL read
     * through Backstage's integrations (UrlReader), or a file in a git
     * repository named as Harness's Git Experience does.
     */
    pipelines?: Array<
      | {
          /** File path or URL of the pipeline YAML. */
          target: string;
        }
      | {
          /** Harness "Git Experience": the connector of the repository. */
          connectorRef: string;
          /** Repository name (account connectors). */
          repoName: string;
          /** Branch to read. */
          branch: string;
          /** Path of the pipeline YAML in the repository. */
          filePath: string;
          /** Organization, when the connector's URL names none. */
          organization?: string;
        }
    >;

    /**
     * Harness template versions loaded at startup, before the pipelines:
     * entries like `pipelines`, one template version per file; `stable: true`
     * makes that version the template's stable one (otherwise the first
     * version saved stays stable).
     */
    templates?: Array<
      | {
          /** File path or URL of the template YAML. */
          target: string;
          stable?: boolean;
        }
      | {
          connectorRef: string;
          repoName: string;
          branch: string;
          filePath: string;
          organization?: string;
          stable?: boolean;
        }
    >;
  };
}
