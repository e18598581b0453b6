import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import {
  integerValue,
  optionalFlag,
  optionalText,
  requiredText,
} from '../fields';

/** Checked against the connector's type at run time, where a mismatch is only warned about. */
const connectorType = optionalText;

/** Fields naming a repository of an SCM connector. */
const repositoryFields = {
  connectorRef: optionalText,
  connectorType,
  organization: optionalText,
  repository: optionalText,
  /** Bitbucket workspace. */
  workspace: optionalText,
  /** Bitbucket or Azure project. */
  project: optionalText,
};

const depth = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (
      v === null ||
      v === undefined ||
      (typeof v === 'string' && v.trim() === '')
    )
      return 0;
    const n = typeof v === 'number' ? v : Number(v.trim());
    if (!Number.isInteger(n) || n < 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `depth must be a whole number >= 0, got ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    return n;
  });

const build = z
  .object({
    type: z.enum(['branch', 'tag']),
    spec: z
      .object({ branch: optionalText, tag: optionalText })
      .passthrough()
      .default({}),
  })
  .superRefine((value, ctx) => {
    // `type` may still be an expression statically: then nothing is known.
    const field = (['branch', 'tag'] as const).find(t => t === value.type);
    if (
      field &&
      value.spec &&
      typeof value.spec === 'object' &&
      value.spec[field] === undefined
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['spec', field],
        message: `build type "${value.type}" needs build.spec.${field}`,
      });
    }
  });

/** Fields naming a repository of an SCM connector, resolved. @public */
export interface ScmRepositoryFields {
  connectorRef?: string;
  connectorType?: string;
  organization?: string;
  repository?: string;
  /** Bitbucket workspace. */
  workspace?: string;
  /** Bitbucket or Azure project. */
  project?: string;
}

/** Resolved spec of {@link gitCloneStepDefinition}. @public */
export interface GitCloneStepSpec {
  connectorRef?: string;
  repoName?: string;
  build?: {
    type: 'branch' | 'tag';
    spec: { branch?: string; tag?: string; [key: string]: unknown };
  } | null;
  cloneDirectory?: string;
  depth: number;
  sslVerify?: boolean;
  resources?: unknown;
  runAsUser?: number;
}

/** `GitClone`: clones a git repository into the stage workspace. @public */
export const gitCloneStepDefinition: StepDefinition<GitCloneStepSpec> =
  defineStep({
    type: 'GitClone',
    description: 'clones a git repository into the stage workspace',
    idempotent: true,
    spec: z.object({
      connectorRef: optionalText,
      repoName: optionalText,
      build: build.nullish(),
      cloneDirectory: optionalText,
      depth,
      // Harness fields with no effect here (the clone runs on the backend).
      sslVerify: optionalFlag,
      resources: z.unknown().optional(),
      runAsUser: integerValue.optional(),
    }),
    outputs: () => [],
  });

/** Resolved spec of {@link createRepoStepDefinition}. @public */
export interface CreateRepoStepSpec extends ScmRepositoryFields {
  repoType: 'public' | 'private';
  description?: string;
  defaultBranch?: string;
  personalAccount?: boolean;
}

/** `CreateRepo`: creates a repository in a git provider. @public */
export const createRepoStepDefinition: StepDefinition<CreateRepoStepSpec> =
  defineStep({
    type: 'CreateRepo',
    description: 'creates a repository in a git provider',
    idempotent: true,
    spec: z.object({
      ...repositoryFields,
      // Harness accepts any case (`Private`); so does an expression's value.
      repoType: z
        .string()
        .transform(v => v.trim().toLowerCase())
        .pipe(z.enum(['public', 'private'])),
      description: optionalText,
      defaultBranch: optionalText,
      personalAccount: optionalFlag,
    }),
    outputs: () => ['repositoryUrl'],
  });

/** Resolved spec of {@link directPushStepDefinition}. @public */
export interface DirectPushStepSpec extends ScmRepositoryFields {
  codeDirectory: string;
  /** Directory inside the repository that receives the content; default the repository root. */
  codeOutputDirectory?: string;
  branch: string;
  forcePush?: boolean;
}

/** `DirectPush`: pushes a workspace directory to a repository. @public */
export const directPushStepDefinition: StepDefinition<DirectPushStepSpec> =
  defineStep({
    type: 'DirectPush',
    description: 'pushes a workspace directory to a repository',
    idempotent: false,
    spec: z.object({
      ...repositoryFields,
      codeDirectory: requiredText,
      /** Directory inside the repository that receives the content; default the repository root. */
      codeOutputDirectory: optionalText,
      branch: requiredText,
      forcePush: optionalFlag,
    }),
    outputs: () => ['repositoryUrl', 'commitId', 'branch'],
  });
