/*
 * Drives Backstage's scaffolder over REST as a guest user: used by the main
 * job (scripts/demo/runTemplate.js), the install test
 * (scripts/install-test/runInApp.js) and the dynamic plugins test.
 */
/* eslint-disable no-console -- a command-line driver prints */
const { readFileSync } = require('node:fs');
const { waitFor } = require('./backendProcess');

/** A guest user's Backstage token (guest sign-in needs NODE_ENV=development). */
async function guestToken(base) {
  const res = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
}

/** Headers of JSON requests as a guest user. */
async function guestHeaders(base) {
  return {
    Authorization: `Bearer ${await guestToken(base)}`,
    'Content-Type': 'application/json',
  };
}

/** The catalog's URL of `entityRef` (`kind:namespace/name`). */
function entityUrl(base, entityRef) {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `${base}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
}

/** Waits until the catalog serves `entityRef`. */
async function waitForEntity(base, headers, entityRef, timeoutMs, what, log) {
  await waitFor(
    async () => (await fetch(entityUrl(base, entityRef), { headers })).ok,
    timeoutMs,
    what,
    log,
  );
}

/**
 * A template's values.json with `${RUN_ID}` made unique (so a job can run
 * again: CreateRepo refuses existing repositories) and any other
 * `replacements` (text to replace by text) applied.
 */
function readTemplateValues(file, replacements = {}) {
  const runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  let text = readFileSync(file, 'utf8').replaceAll('${RUN_ID}', runId);
  for (const [from, to] of Object.entries(replacements))
    text = text.replaceAll(from, to);
  return JSON.parse(text);
}

function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Starts `templateRef` with `values`; prints the task's log until it ends and returns its status and output. */
async function runTemplateTask(base, headers, templateRef, givenValues) {
  // As the form does: parameters left out take the template's defaults.
  const values = {
    ...(await templateDefaults(base, headers, templateRef)),
    ...givenValues,
  };
  const created = await fetch(`${base}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ templateRef, values }),
  });
  if (!created.ok)
    throw new Error(
      `scaffolder refused the task: ${created.status} ${await created.text()}`,
    );
  const { id } = await created.json();
  console.log(`scaffolder task ${id}\n`);
  const res = await fetch(`${base}/api/scaffolder/v2/tasks/${id}/eventstream`, {
    headers: { ...headers, Accept: 'text/event-stream' },
  });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event
        .split('\n')
        .filter(l => l.startsWith('data:'))
        .map(l => l.slice(5))
        .join('\n');
      if (!data) continue;
      const parsed = JSON.parse(data);
      if (parsed.type === 'log')
        console.log(
          stripAnsi(
            `${parsed.body.stepId ? `[${parsed.body.stepId}] ` : ''}${parsed.body.message}`,
          ),
        );
      if (parsed.type === 'completion') {
        return {
          id,
          status:
            parsed.body.status ?? (parsed.body.error ? 'failed' : 'completed'),
          output: parsed.body.output ?? {},
        };
      }
    }
  }
  return { id, status: 'unknown', output: {} };
}

/** The `default` of each form field of a template, as the catalog serves it (placeholders resolved). */
async function templateDefaults(base, headers, templateRef) {
  const res = await fetch(entityUrl(base, templateRef), { headers });
  if (!res.ok)
    throw new Error(
      `cannot read ${templateRef} from the catalog: ${res.status} ${await res.text()}`,
    );
  const defaults = {};
  for (const step of [(await res.json()).spec?.parameters ?? []].flat()) {
    for (const [field, schema] of Object.entries(step.properties ?? {})) {
      if (schema && schema.default !== undefined)
        defaults[field] = schema.default;
    }
  }
  return defaults;
}

/** Prints a template's rendered `output` section. */
function printOutput(output) {
  for (const link of output.links ?? [])
    console.log(`link: ${link.title ?? ''} ${link.url ?? ''}`);
  for (const text of output.text ?? []) {
    console.log(`\n## ${text.title ?? ''}\n${text.content ?? ''}`);
  }
}

/**
 * What the install and dynamic plugins tests check of the example template:
 * waits for it in the catalog, runs it, prints its output, then reports
 * what a user would miss: the task did not complete, its output does not
 * carry the pipeline's output variables (the repository URL naming the
 * project), or the created component never appears in the catalog.
 * Returns the failures (none: passed) and the component's ref.
 */
async function runExampleTemplate({ base, headers, templateRef, values, log }) {
  await waitForEntity(
    base,
    headers,
    templateRef,
    120_000,
    `the catalog to load ${templateRef}`,
    log,
  );
  const { status, output } = await runTemplateTask(
    base,
    headers,
    templateRef,
    values,
  );
  printOutput(output);
  const failures = [];
  if (status !== 'completed') failures.push(`the task ended ${status}`);
  if (!JSON.stringify(output).includes(values.project_name))
    failures.push(
      'the output does not carry the output variables (no repository URL naming the project)',
    );
  // RegisterCatalog returns once the location is registered; the catalog
  // makes the entity readable on its next processing pass (as a user sees
  // it appear shortly after the task).
  const entityRef = `component:default/${values.project_name}`;
  try {
    await waitForEntity(
      base,
      headers,
      entityRef,
      60_000,
      `${entityRef} in the catalog`,
      log,
    );
  } catch (error) {
    failures.push(`${entityRef} is not in the catalog: ${error.message}`);
  }
  return { failures, entityRef };
}

module.exports = {
  guestHeaders,
  printOutput,
  readTemplateValues,
  runExampleTemplate,
  runTemplateTask,
  waitForEntity,
};
