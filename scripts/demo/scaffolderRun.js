/*
 * Drives Backstage's scaffolder over REST as a guest user: used by the main
 * job (runTemplate.js) and the install test (scripts/install-test).
 */
/* eslint-disable no-console -- a command-line driver prints */

/** Polls `check` every half second until it answers true; fails after `timeoutMs` with the backend's last log lines. */
async function waitFor(check, timeoutMs, what, log = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; backend log:\n${log.slice(-40).join('\n')}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/** A guest user's Backstage token (guest sign-in needs NODE_ENV=development). */
async function guestToken(base) {
  const res = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok)
    throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  return (await res.json()).backstageIdentity.token;
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
  const [kind, rest] = templateRef.split(':');
  const [namespace, name] = rest.split('/');
  const res = await fetch(
    `${base}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
    { headers },
  );
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

module.exports = { waitFor, guestToken, runTemplateTask, printOutput };
