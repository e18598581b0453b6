import { z } from 'zod';
import { flag, integer, oneOf, orExpression, text, textMap } from './fields';
import type { StepSpecDefinition } from './registry';

/*
 * Specs of the IDP stage's steps, from Harness's published schema
 * (harness-semantics.md §5). Required fields are the schema's required ones;
 * cross-field rules are checked only when the deciding field is a literal,
 * since an expression's value is known only at run time.
 */

const isLiteral = (v: unknown): v is string =>
  typeof v === 'string' && !v.includes('<+');

const scmFields = {
  connectorRef: text.optional(),
  connectorType: oneOf('Github', 'Gitlab', 'Bitbucket', 'AzureRepo', 'Git', 'Local', 'Harness').optional(),
  organization: text.optional(),
  repository: text.optional(),
  /** Bitbucket workspace. */
  workspace: text.optional(),
  /** Bitbucket or Azure project. */
  project: text.optional(),
};

const gitClone = z
  .object({
    connectorRef: text.optional(),
    repoName: text.optional(),
    build: orExpression(
      z.object({
        type: oneOf('branch', 'tag'),
        spec: z
          .object({ branch: text.optional(), tag: text.optional() })
          .passthrough(),
      }),
    ).optional(),
    cloneDirectory: text.optional(),
    depth: integer.optional(),
    sslVerify: flag.optional(),
    resources: z.unknown().optional(),
    runAsUser: integer.optional(),
  })
  .superRefine((spec, ctx) => {
    const build = spec.build;
    const b = build as { type?: unknown; spec?: Record<string, unknown> } | undefined;
    if (b && typeof b === 'object' && b.spec && isLiteral(b.type)) {
      const field = b.type === 'tag' ? 'tag' : 'branch';
      if (b.spec[field] === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['build', 'spec', field],
          message: `build type "${b.type}" needs build.spec.${field}`,
        });
      }
    }
  });

const cookieCutter = z
  .object({
    templateType: oneOf('public', 'private'),
    publicTemplateUrl: text.optional(),
    pathForTemplate: text.optional(),
    outputDirectory: text.optional(),
    verbose: flag.optional(),
    overwriteIfExists: flag.optional(),
    cookieCutterVariables: textMap,
  })
  .superRefine((spec, ctx) => {
    if (spec.templateType === 'public' && spec.publicTemplateUrl === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['publicTemplateUrl'],
        message: 'templateType "public" needs publicTemplateUrl (a git repository URL)',
      });
    }
    if (spec.templateType === 'private' && spec.pathForTemplate === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['pathForTemplate'],
        message: 'templateType "private" needs pathForTemplate (the GitClone step\'s clone directory)',
      });
    }
  });

const createRepo = z.object({
  ...scmFields,
  repoType: oneOf('public', 'private'),
  description: text.optional(),
  defaultBranch: text.optional(),
  personalAccount: flag.optional(),
});

const createCatalog = z.object({
  fileName: text,
  filePath: text.optional(),
  fileContent: z.string(),
});

const directPush = z.object({
  ...scmFields,
  codeDirectory: text,
  codeOutputDirectory: text.optional(),
  branch: text,
  forcePush: flag.optional(),
});

const registerCatalog = z.object({
  ...scmFields,
  filePath: text,
  branch: text.optional(),
  xApiKey: text.optional(),
  /** Extension: wait until the catalog serves the entities (a later step reads them). */
  waitForEntities: flag.optional(),
});

const slackNotify = z
  .object({
    token: text,
    email: text.optional(),
    /** The document's SlackNotify snippet spells it `emailId`. */
    emailId: text.optional(),
    channel: text.optional(),
    messageContent: z.string().optional(),
    blocks: z.union([z.string(), z.array(z.unknown())]).optional(),
    botUsername: text.optional(),
    botIconUrl: text.optional(),
    threadTs: text.optional(),
    replyBroadcast: flag.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.email === undefined && spec.emailId === undefined && spec.channel === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['email'],
        message: 'SlackNotify needs a recipient: email (direct message) or channel',
      });
    }
    if (spec.messageContent === undefined && spec.blocks === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['messageContent'],
        message: 'SlackNotify needs messageContent or blocks',
      });
    }
  });

const createResource = z.object({
  resourceDefinition: z.string(),
  xApiKey: text,
});

const catalogMode = oneOf('replace', 'append');
const updateCatalogProperty = z.object({
  type: text,
  entityRef: text.optional(),
  property: text.optional(),
  value: z.unknown().optional(),
  entityRefs: orExpression(
    z.array(z.object({ entityRef: text, value: z.unknown().optional() }).passthrough()),
  ).optional(),
  properties: orExpression(
    z.array(
      z
        .object({ property: text, value: z.unknown().optional(), mode: catalogMode.optional() })
        .passthrough(),
    ),
  ).optional(),
  mode: catalogMode.optional(),
  xApiKey: text.optional(),
});

const idpAction = z.object({
  actionRef: text,
  actionVersion: text.optional(),
  inputs: z.unknown().optional(),
});

/** The IDP stage's own step types. */
export const idpStepSpecs: StepSpecDefinition[] = [
  { type: 'GitClone', description: 'clones a git repository into the stage workspace', spec: gitClone, outputs: () => [] },
  { type: 'CookieCutter', description: 'renders a cookiecutter template', spec: cookieCutter, outputs: () => [] },
  { type: 'CreateRepo', description: 'creates a repository in a git provider', spec: createRepo, outputs: () => ['repositoryUrl'] },
  { type: 'CreateCatalog', description: 'writes a catalog-info.yaml into the workspace', spec: createCatalog, outputs: () => ['registeredCatalogUrl'] },
  { type: 'DirectPush', description: 'pushes a workspace directory to a repository', spec: directPush, outputs: () => ['repositoryUrl', 'commitId', 'branch'] },
  { type: 'RegisterCatalog', description: 'registers a catalog-info.yaml location in the Backstage catalog', spec: registerCatalog, outputs: () => ['catalogInfoUrl', 'entityRef'] },
  { type: 'SlackNotify', description: 'sends a Slack message', spec: slackNotify, outputs: () => ['ts', 'channel'] },
  { type: 'CreateResource', description: 'applies an OpenTofu resource definition', spec: createResource, outputs: () => [] },
  { type: 'UpdateCatalogProperty', description: 'updates properties of catalog entities', spec: updateCatalogProperty, outputs: () => [] },
  { type: 'IdpAction', description: 'runs a scaffolder action', spec: idpAction, outputs: () => undefined },
];
