import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import {
  booleanValue,
  declaredOutputs,
  envMap,
  integerValue,
  namedVariableList,
  textValue,
  type NamedVariable,
} from '../fields';

const pullPolicy = z.enum(['Always', 'Never', 'IfNotPresent']);

/** Container fields of Run and Plugin. */
const containerFields = {
  connectorRef: textValue.optional(),
  image: textValue.optional(),
  imagePullPolicy: pullPolicy.optional(),
  privileged: booleanValue.optional(),
  runAsUser: integerValue.optional(),
  resources: z
    .object({
      limits: z
        .object({ memory: textValue.optional(), cpu: textValue.optional() })
        .passthrough()
        .optional(),
    })
    .passthrough()
    .optional(),
};

/** Container fields of Run and Plugin, resolved. @public */
export interface ContainerStepFields {
  connectorRef?: string;
  image?: string;
  imagePullPolicy?: 'Always' | 'Never' | 'IfNotPresent';
  privileged?: boolean;
  runAsUser?: number;
  resources?: {
    limits?: { memory?: string; cpu?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
}

/** Resolved spec of {@link runStepDefinition}. @public */
export interface RunStepSpec extends ContainerStepFields {
  shell: 'Sh' | 'Bash' | 'Powershell' | 'Pwsh' | 'Python';
  command: string;
  envVariables?: Record<string, string>;
  outputVariables?: Array<{
    name: string;
    type: 'String' | 'Secret';
    /** The script variable to read when it differs from `name`. */
    value?: string;
    [key: string]: unknown;
  }>;
  reports?: unknown;
  [key: string]: unknown;
}

/** `Run`: runs a shell script (IDP and CI stages). @public */
export const runStepDefinition: StepDefinition<RunStepSpec> = defineStep({
  type: 'Run',
  description: 'runs a shell script',
  // Not idempotent: scripts have side effects (pushes, API calls); after an
  // engine restart the step fails rather than running twice.
  idempotent: false,
  spec: z
    .object({
      ...containerFields,
      shell: z
        .enum(['Sh', 'Bash', 'Powershell', 'Pwsh', 'Python'])
        .default('Sh'),
      command: z.string(),
      envVariables: envMap.optional(),
      outputVariables: z
        .array(
          z
            .object({
              name: z.string().min(1),
              type: z.enum(['String', 'Secret']).default('String'),
              /** The script variable to read when it differs from `name`. */
              value: textValue.optional(),
            })
            .passthrough(),
        )
        .optional(),
      reports: z.unknown().optional(),
    })
    .passthrough(),
  outputs: declaredOutputs,
});

/** Resolved spec of {@link pluginStepDefinition}. @public */
export interface PluginStepSpec extends ContainerStepFields {
  image: string;
  settings?: Record<string, unknown>;
  envVariables?: Record<string, string>;
  entrypoint?: string[];
  reports?: unknown;
  [key: string]: unknown;
}

/** `Plugin`: runs a Drone-style plugin container. @public */
export const pluginStepDefinition: StepDefinition<PluginStepSpec> = defineStep({
  type: 'Plugin',
  description: 'runs a Drone-style plugin container',
  // Not idempotent: plugins exist for side effects (publish, upload, notify).
  idempotent: false,
  spec: z
    .object({
      ...containerFields,
      image: textValue,
      settings: z.record(z.string(), z.unknown()).optional(),
      envVariables: envMap.optional(),
      entrypoint: z.array(textValue).optional(),
      reports: z.unknown().optional(),
    })
    .passthrough(),
  outputs: () => undefined,
});

/** Resolved spec of {@link shellScriptStepDefinition}. @public */
export interface ShellScriptStepSpec {
  shell: 'Bash' | 'PowerShell' | 'Sh' | 'Python' | 'Powershell' | 'Pwsh';
  source: {
    type: 'Inline';
    spec: { script: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  environmentVariables?: NamedVariable[];
  outputVariables?: NamedVariable[];
  onDelegate?: boolean;
  executionTarget?: unknown;
  delegateSelectors?: unknown;
  includeInfraSelectors?: boolean;
  outputAlias?: unknown;
  [key: string]: unknown;
}

/** `ShellScript`: runs a shell script (Custom stage). @public */
export const shellScriptStepDefinition: StepDefinition<ShellScriptStepSpec> =
  defineStep({
    type: 'ShellScript',
    description: 'runs a shell script (Custom stage)',
    // Not idempotent: scripts have side effects; see Run.
    idempotent: false,
    spec: z
      .object({
        shell: z.enum([
          'Bash',
          'PowerShell',
          'Sh',
          'Python',
          'Powershell',
          'Pwsh',
        ]),
        source: z
          .object({
            type: z.literal('Inline'),
            spec: z.object({ script: z.string() }).passthrough(),
          })
          .passthrough(),
        environmentVariables: namedVariableList.optional(),
        outputVariables: namedVariableList.optional(),
        onDelegate: booleanValue.optional(),
        executionTarget: z.unknown().optional(),
        delegateSelectors: z.unknown().optional(),
        includeInfraSelectors: booleanValue.optional(),
        outputAlias: z.unknown().optional(),
      })
      .passthrough(),
    outputs: declaredOutputs,
  });

/** Resolved spec of {@link httpStepDefinition}. @public */
export interface HttpStepSpec {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH';
  headers?: Array<{ key: string; value: string; [key: string]: unknown }>;
  requestBody?: string;
  assertion?: string;
  outputVariables?: NamedVariable[];
  inputVariables?: NamedVariable[];
  certificate?: string;
  certificateKey?: string;
  delegateSelectors?: unknown;
  [key: string]: unknown;
}

/** `Http`: calls an HTTP endpoint (Custom stage). @public */
export const httpStepDefinition: StepDefinition<HttpStepSpec> = defineStep({
  type: 'Http',
  description: 'calls an HTTP endpoint (Custom stage)',
  // Not idempotent although GET and HEAD are: the handler contract decides
  // per type, and a POST may create something.
  idempotent: false,
  spec: z
    .object({
      url: textValue,
      // Upper-cased first: an expression may resolve to `post`.
      method: z
        .string()
        .transform(m => m.toUpperCase())
        .pipe(
          z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']),
        ),
      headers: z
        .array(
          z.object({ key: z.string().min(1), value: textValue }).passthrough(),
        )
        .optional(),
      requestBody: z.string().optional(),
      assertion: z.string().optional(),
      outputVariables: namedVariableList.optional(),
      inputVariables: namedVariableList.optional(),
      certificate: z.string().optional(),
      certificateKey: z.string().optional(),
      delegateSelectors: z.unknown().optional(),
    })
    .passthrough(),
  // Assertions and output values read the response (`<+httpResponseCode>`).
  deferredFields: ['assertion', 'outputVariables.*.value'],
  outputs: declaredOutputs,
});

/** Resolved spec of {@link createResourceStepDefinition}. @public */
export interface CreateResourceStepSpec {
  resourceDefinition: string;
  xApiKey: string;
  [key: string]: unknown;
}

/** `CreateResource`: applies an OpenTofu resource definition. @public */
export const createResourceStepDefinition: StepDefinition<CreateResourceStepSpec> =
  defineStep({
    type: 'CreateResource',
    description: 'applies an OpenTofu resource definition',
    // Not idempotent: the state is discarded after each run, so running the
    // definition again would try to create the resources again.
    idempotent: false,
    spec: z
      .object({
        resourceDefinition: z.string().min(1),
        xApiKey: textValue,
      })
      .passthrough(),
    outputs: () => [],
  });
