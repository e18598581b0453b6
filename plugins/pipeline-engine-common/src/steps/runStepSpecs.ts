import { z } from 'zod';
import { flag, integer, namedVariables, oneOf, orExpression, text, textMap } from './fields';
import type { StepSpecDefinition } from './registry';
import type { YamlValue } from '../model/types';

/*
 * Script-like steps: Run and Plugin (IDP and CI stages), ShellScript, Http and
 * Wait (Custom stage). Their output variables are declared in the spec, so the
 * static reference check can know them.
 */

const shell = oneOf('Sh', 'Bash', 'Powershell', 'Pwsh', 'Python');

const containerFields = {
  connectorRef: text.optional(),
  image: text.optional(),
  imagePullPolicy: oneOf('Always', 'Never', 'IfNotPresent').optional(),
  privileged: flag.optional(),
  runAsUser: integer.optional(),
  resources: z.unknown().optional(),
};

const run = z.object({
  ...containerFields,
  shell: shell.optional(),
  command: z.string(),
  envVariables: textMap.optional(),
  outputVariables: orExpression(
    z.array(z.object({ name: z.string(), type: oneOf('String', 'Secret').optional(), value: text.optional() }).passthrough()),
  ).optional(),
  reports: z.unknown().optional(),
});

const plugin = z.object({
  ...containerFields,
  image: text,
  settings: orExpression(z.record(z.string(), z.unknown())).optional(),
  envVariables: textMap.optional(),
  entrypoint: z.array(text).optional(),
  reports: z.unknown().optional(),
});

const shellScript = z.object({
  shell: oneOf('Bash', 'PowerShell', 'Sh', 'Python', 'Powershell', 'Pwsh'),
  source: z.object({
    type: oneOf('Inline'),
    spec: z.object({ script: z.string() }),
  }),
  environmentVariables: namedVariables.optional(),
  outputVariables: namedVariables.optional(),
  onDelegate: flag.optional(),
  executionTarget: z.unknown().optional(),
  delegateSelectors: z.unknown().optional(),
  includeInfraSelectors: flag.optional(),
  outputAlias: z.unknown().optional(),
});

const http = z.object({
  url: text,
  method: oneOf('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
  headers: z.array(z.object({ key: z.string(), value: text }).passthrough()).optional(),
  requestBody: z.string().optional(),
  assertion: z.string().optional(),
  outputVariables: namedVariables.optional(),
  inputVariables: namedVariables.optional(),
  certificate: z.string().optional(),
  certificateKey: z.string().optional(),
  delegateSelectors: z.unknown().optional(),
});

const wait = z.object({ duration: text });

/** Names from an `outputVariables` list, or undefined when it is an expression. */
function declaredOutputs(spec: Record<string, YamlValue>): string[] | undefined {
  const list = spec.outputVariables;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap(item =>
    item && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string'
      ? [item.name]
      : [],
  );
}

/** Run, Plugin, ShellScript, Http and Wait. */
export const runStepSpecs: StepSpecDefinition[] = [
  { type: 'Run', description: 'runs a shell script', spec: run, outputs: declaredOutputs },
  { type: 'Plugin', description: 'runs a Drone-style plugin container', spec: plugin, outputs: () => undefined },
  { type: 'ShellScript', description: 'runs a shell script (Custom stage)', spec: shellScript, outputs: declaredOutputs },
  { type: 'Http', description: 'calls an HTTP endpoint (Custom stage)', spec: http, outputs: declaredOutputs },
  { type: 'Wait', description: 'waits for a duration', spec: wait, outputs: () => [] },
];
