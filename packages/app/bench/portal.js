#!/usr/bin/env node
/*
 * yarn bench:portal — how the portal holds up with big executions, in
 * Debian's Chromium against the production build of packages/app served by
 * the backend on :7007. The pipeline engine's API is answered by synthetic
 * data (Playwright routes), so the figures measure the frontend alone:
 *
 *  - an execution of 1,000 steps: time to first meaningful content (the
 *    step tree's first row), time until the status stream's 1,000 updates
 *    are on screen, frame rate and longest frame while they arrive and
 *    durations tick, and the delay of a click on a step;
 *  - the same execution opened from within the portal (chunks loaded);
 *  - a 100,000-line log: time until it is loaded, and the frame rate while
 *    it is scrolled top to bottom;
 *  - with each frame rate, Chromium's main-thread time per frame (script,
 *    layout, style, over CDP) and the rows in the DOM: CPU-side figures
 *    that a busy machine disturbs less than frame rates;
 *  - lazy loading: which script chunks the plugin's pages load only when
 *    they are opened.
 *
 * Prints figures; asserts nothing. Builds the app first (slow), like the
 * e2e suite; `--no-build` uses the build already in packages/app/dist.
 * Usage: bash scripts/yarn.sh bench:portal [--no-build]
 */
/* eslint-disable no-console -- a command-line bench prints */
const { execFileSync } = require('node:child_process');
const { resolve } = require('node:path');
const { chromium } = require('@playwright/test');
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the e2e suite's backend driver, not a package
const { startBackendWithApp, BASE } = require('../../../scripts/e2e/run');
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the scripts' shared backend helpers, not a package
const { REPO_YARN } = require('../../../scripts/lib/backendProcess');

const ROOT = resolve(__dirname, '../../..');
const STEPS = 1000;
const LOG_LINES = 100_000;
const T0 = '2026-12-01T10:00:00.000Z';

function step(index, status) {
  const id = `step_${index}`;
  return {
    fqn: `pipeline.stages.build.spec.execution.steps.${id}`,
    parentFqn: 'pipeline.stages.build',
    nodeType: 'step',
    identifier: id,
    name: `Step ${index}`,
    stepType: 'Run',
    status,
    attempt: 1,
    startedAt: T0,
    ...(status === 'Running' ? {} : { endedAt: T0 }),
    outputs: {},
    secretOutputs: [],
    children: [],
  };
}

function execution(id, status, steps) {
  return {
    id,
    orgIdentifier: 'default',
    projectIdentifier: 'bench',
    pipelineIdentifier: id,
    pipelineName: 'Bench',
    sequenceId: 1,
    status,
    triggeredBy: { identity: 'user:default/bench' },
    triggerType: 'MANUAL',
    createdAt: T0,
    startedAt: T0,
    nodes: [
      {
        fqn: 'pipeline.stages.build',
        nodeType: 'stage',
        identifier: 'build',
        name: 'Build',
        status,
        attempt: 1,
        startedAt: T0,
        outputs: {},
        secretOutputs: [],
        children: steps,
      },
    ],
    outputs: {},
    inputs: {},
  };
}

const sse = body => ({
  status: 200,
  headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
  body,
});

/** Answers the engine's routes for the two synthetic executions. */
async function routeEngine(page) {
  const running = execution(
    'bench-steps',
    'Running',
    Array.from({ length: STEPS }, (_, i) => step(i, 'Running')),
  );
  // The status stream: every step succeeds, one event each.
  const updates = Array.from({ length: STEPS }, (_, i) => {
    const { children: _c, ...node } = step(i, 'Success');
    return `event: node\ndata: ${JSON.stringify(node)}\n\n`;
  }).join('');
  const logLines = [];
  for (let seq = 1; seq <= LOG_LINES; seq++) {
    const line = {
      seq,
      nodeFqn: 'pipeline.stages.build.spec.execution.steps.step_0',
      stream: seq % 50 === 0 ? 'stderr' : 'stdout',
      line: `\u001b[32m[${seq}]\u001b[0m compiling module ${seq % 977} of the bench project, ${'x'.repeat(seq % 40)}`,
      createdAt: T0,
    };
    logLines.push(`id: ${seq}\ndata: ${JSON.stringify(line)}\n\n`);
  }
  const logBody = `${logLines.join('')}event: end\ndata: {"cursor":${LOG_LINES}}\n\n`;
  const logged = execution('bench-log', 'Success', [step(0, 'Success')]);
  logged.endedAt = T0;

  await page.route(/\/api\/pipeline-engine\/executions\/bench-steps$/, r =>
    r.fulfill({ json: running }),
  );
  await page.route(
    /\/api\/pipeline-engine\/executions\/bench-steps\/events/,
    r =>
      // Left open after the updates, like the stream of a running execution.
      r.fulfill(sse(`retry: 2000\n\n${updates}`)),
  );
  await page.route(
    /\/api\/pipeline-engine\/executions\/bench-steps\/logs\/stream/,
    r => r.fulfill(sse('event: end\ndata: {"cursor":0}\n\n')),
  );
  await page.route(/\/api\/pipeline-engine\/executions\/bench-log$/, r =>
    r.fulfill({ json: logged }),
  );
  await page.route(
    /\/api\/pipeline-engine\/executions\/bench-log\/logs\/stream/,
    r => r.fulfill(sse(logBody)),
  );
}

/** Chromium's cumulative main-thread times (seconds) and counters, over CDP. */
const cdpSessions = new WeakMap();
const metricsAtStart = new WeakMap();

async function mainThreadMetrics(page) {
  if (!cdpSessions.has(page)) {
    const session = await page.context().newCDPSession(page);
    await session.send('Performance.enable');
    cdpSessions.set(page, session);
  }
  const { metrics } = await cdpSessions
    .get(page)
    .send('Performance.getMetrics');
  return Object.fromEntries(metrics.map(({ name, value }) => [name, value]));
}

/**
 * Counts animation frames and long tasks in the page from now on, and
 * notes Chromium's main-thread times to report per frame at the end.
 */
const startFrameProbe = async page => {
  metricsAtStart.set(page, await mainThreadMetrics(page));
  await page.evaluate(() => {
    const probe = {
      frames: 0,
      maxGap: 0,
      last: performance.now(),
      longTasks: 0,
      longTaskMs: 0,
    };
    window.__probe = probe;
    new PerformanceObserver(list => {
      for (const entry of list.getEntries()) {
        probe.longTasks += 1;
        probe.longTaskMs += entry.duration;
      }
    }).observe({ entryTypes: ['longtask'] });
    const tick = now => {
      probe.frames += 1;
      probe.maxGap = Math.max(probe.maxGap, now - probe.last);
      probe.last = now;
      if (!probe.stopped) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    probe.start = performance.now();
  });
};

const stopFrameProbe = async page => {
  const frames = await page.evaluate(() => {
    const probe = window.__probe;
    probe.stopped = true;
    const seconds = (performance.now() - probe.start) / 1000;
    return {
      fps: probe.frames / seconds,
      maxFrameMs: probe.maxGap,
      longTasks: probe.longTasks,
      longTaskMs: probe.longTaskMs,
      seconds,
      count: probe.frames,
    };
  });
  const end = await mainThreadMetrics(page);
  const perFrame = name =>
    ((end[name] - metricsAtStart.get(page)[name]) * 1000) /
    Math.max(1, frames.count);
  return {
    ...frames,
    scriptMsPerFrame: perFrame('ScriptDuration'),
    layoutMsPerFrame: perFrame('LayoutDuration'),
    styleMsPerFrame: perFrame('RecalcStyleDuration'),
    taskMsPerFrame: perFrame('TaskDuration'),
  };
};

/** Main-thread cost per frame: CPU-side, less noisy than fps on a busy machine. */
const cpuPerFrame = frames =>
  `main thread per frame: ${frames.taskMsPerFrame.toFixed(1)} ms (script ${frames.scriptMsPerFrame.toFixed(1)}, layout ${frames.layoutMsPerFrame.toFixed(1)}, style ${frames.styleMsPerFrame.toFixed(1)})`;

const ms = value => `${Math.round(value)} ms`;

async function benchSteps(page) {
  await page.goto(`${BASE}/pipelines/executions/bench-steps`);
  await page.waitForFunction(
    () =>
      document.querySelector(
        'nav[aria-label="Execution steps"] [role="button"]',
      ),
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const firstContent = await page.evaluate(() => performance.now());
  await startFrameProbe(page);
  const lastStep = `Step ${STEPS - 1}: Success`;
  // The tree draws only the rows in view: keep it scrolled to its end,
  // where the last step appears.
  await page.waitForFunction(
    label => {
      const tree = document.querySelector('nav[aria-label="Execution steps"]');
      if (!tree) return false;
      tree.scrollTop = tree.scrollHeight;
      return [...tree.querySelectorAll('[role="button"]')].some(row =>
        (row.getAttribute('aria-label') ?? '').startsWith(label),
      );
    },
    lastStep,
    { polling: 'raf', timeout: 60_000 },
  );
  const updated = await page.evaluate(() => performance.now());
  // Durations of running nodes tick every second meanwhile.
  await page.waitForTimeout(3000);
  const frames = await stopFrameProbe(page);
  console.log(`execution of ${STEPS} steps:`);
  console.log(
    `  first meaningful content (step tree shown), from navigation: ${ms(firstContent)}`,
  );
  console.log(
    `  ${STEPS} streamed status updates on screen after: ${ms(updated - firstContent)}`,
  );
  console.log(
    `  while they arrive and durations tick: ${frames.fps.toFixed(1)} fps, longest frame ${ms(frames.maxFrameMs)}, ${frames.longTasks} long tasks (${ms(frames.longTaskMs)})`,
  );
  console.log(`    ${cpuPerFrame(frames)}`);
  const treeRows = await page.evaluate(
    () =>
      document.querySelectorAll(
        'nav[aria-label="Execution steps"] [role="button"]',
      ).length,
  );
  console.log(`  step rows in the DOM: ${treeRows} of ${STEPS + 1}`);
}

/**
 * First meaningful content when the execution is opened from within the
 * portal (a link click: the app and the plugin's chunks are already loaded),
 * with the main thread's work until then.
 */
async function benchStepsInApp(page) {
  await page.goto(`${BASE}/pipelines`);
  await page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
  const before = await mainThreadMetrics(page);
  const elapsed = await page.evaluate(
    () =>
      new Promise(resolveShown => {
        const start = performance.now();
        window.history.pushState({}, '', '/pipelines/executions/bench-steps');
        window.dispatchEvent(new PopStateEvent('popstate'));
        const poll = () => {
          if (
            document.querySelector(
              'nav[aria-label="Execution steps"] [role="button"]',
            )
          ) {
            resolveShown(performance.now() - start);
          } else requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      }),
  );
  const after = await mainThreadMetrics(page);
  const spent = name => ms((after[name] - before[name]) * 1000);
  console.log(
    `  first meaningful content, opened from within the portal: ${ms(elapsed)} (main thread ${spent('TaskDuration')}, script ${spent('ScriptDuration')})`,
  );
}

/** The delay of a click on a step row until its log card shows. */
async function benchClick(page) {
  const tree = page.getByRole('navigation', { name: 'Execution steps' });
  // Rows are drawn only in view: scroll Step 500 (row 501 after the stage) in.
  await tree.evaluate(element => {
    element.scrollTop = (element.scrollHeight * 501) / 1001;
  });
  const row = tree.getByRole('button', { name: /^Step 500: / });
  const clickStart = Date.now();
  await row.click();
  await page.getByText('Log of Step 500').waitFor();
  console.log(
    `  click on a step → its details: ${ms(Date.now() - clickStart)} (including Playwright's round trips)`,
  );
}

async function benchLog(page) {
  const start = Date.now();
  await page.goto(`${BASE}/pipelines/executions/bench-log`);
  const log = page.getByLabel('Step log');
  await page.waitForFunction(
    lines =>
      document.querySelector('[aria-label="Step log"] [role="list"]')
        ?.clientHeight >
      lines * 10,
    LOG_LINES,
    { polling: 200, timeout: 120_000 },
  );
  const loadedMs = Date.now() - start;
  await log.evaluate(element => {
    element.scrollTop = 0;
  });
  const logRows = await log.evaluate(
    element => element.querySelectorAll('[role="listitem"]').length,
  );
  await startFrameProbe(page);
  // Scrolls top to bottom in 5 s, one step per frame.
  await log.evaluate(
    element =>
      new Promise(resolveScroll => {
        const scrollStart = performance.now();
        const total = element.scrollHeight - element.clientHeight;
        const frame = now => {
          const progress = Math.min(1, (now - scrollStart) / 5000);
          element.scrollTop = progress * total;
          if (progress < 1) requestAnimationFrame(frame);
          else resolveScroll();
        };
        requestAnimationFrame(frame);
      }),
  );
  const frames = await stopFrameProbe(page);
  console.log(`log of ${LOG_LINES.toLocaleString('en')} lines:`);
  console.log(
    `  loaded (every line received and laid out) after: ${ms(loadedMs)}`,
  );
  console.log(
    `  scrolling top to bottom in 5 s: ${frames.fps.toFixed(1)} fps, longest frame ${ms(frames.maxFrameMs)}, ${frames.longTasks} long tasks`,
  );
  console.log(`    ${cpuPerFrame(frames)}`);
  console.log(
    `  log rows in the DOM: ${logRows} of ${LOG_LINES.toLocaleString('en')}`,
  );
}

async function benchLazyLoading(page) {
  const scripts = [];
  page.on('request', request => {
    if (request.resourceType() === 'script') scripts.push(request.url());
  });
  await page.goto(`${BASE}/catalog`);
  await page.waitForLoadState('networkidle');
  const beforePortal = scripts.length;
  await page.getByRole('link', { name: 'Pipelines' }).first().click();
  await page.getByRole('heading', { name: 'Pipelines', exact: true }).waitFor();
  await page.waitForLoadState('networkidle');
  const lazy = scripts.slice(beforePortal).map(url => url.split('/').pop());
  console.log('lazy loading:');
  console.log(`  scripts loaded before opening the portal: ${beforePortal}`);
  console.log(
    `  scripts loaded when /pipelines opened: ${lazy.length} (${lazy.join(', ') || 'none'})`,
  );
}

async function main() {
  if (!process.argv.includes('--no-build')) {
    console.log('== build the app (packages/app)');
    execFileSync(
      process.execPath,
      [REPO_YARN, 'backstage-cli', 'package', 'build'],
      {
        cwd: resolve(ROOT, 'packages/app'),
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  const { stop } = await startBackendWithApp();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 900 },
    });
    await page.goto(BASE);
    const guest = page.getByRole('listitem').filter({ hasText: 'Guest' });
    await guest.getByRole('button', { name: 'Enter' }).click();
    await page.getByRole('link', { name: 'Pipelines' }).first().waitFor();
    await benchLazyLoading(page);
    await routeEngine(page);
    await benchSteps(page);
    await benchClick(page).catch(error =>
      console.log(
        `  click on a step: not measured (${error.message.split('\n')[0]})`,
      ),
    );
    await benchStepsInApp(page);
    await benchLog(page);
  } finally {
    await browser.close();
    stop();
  }
}

main().catch(error => {
  console.error(`bench:portal failed: ${error.stack ?? error}`);
  process.exit(1);
});
