#!/usr/bin/env node
/* eslint-disable no-console -- a benchmark prints its figures */
/*
 * Benchmark: Harness expression evaluation (cached and uncached) and
 * parse+validate of the seed pipeline. Prints figures; asserts nothing.
 * Targets (2-core machine): >= 200,000 cached evaluations/s; <= 2 ms median
 * parse+validate of the seed pipeline.
 */
require('@backstage/cli/config/nodeTransform.cjs');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  ExpressionEngine,
  createExpressionContext,
  parsePipeline,
} = require('../src');

const snapshot = {
  pipeline: {
    name: 'Self-Service-flow-repo-setup',
    identifier: 'SelfServiceflowreposetup',
    executionId: 'exec-1',
    sequenceId: 7,
    orgIdentifier: 'default',
    projectIdentifier: 'projctidp',
    triggeredBy: { name: 'Jane', email: 'jane@example.com' },
    variables: {
      project_name: 'My-App',
      email_id: 'jane@example.com',
      notify: 'true',
      count: 3,
    },
    stages: {
      serviceonboarding: {
        identifier: 'serviceonboarding',
        status: 'Success',
        variables: { region: 'eu' },
        spec: {
          execution: {
            steps: {
              createrepo: {
                status: 'Success',
                output: {
                  outputVariables: {
                    repositoryUrl: 'https://git.example/org/my-app',
                  },
                },
              },
              group: {
                steps: { inner: { output: { outputVariables: { v: 'x' } } } },
              },
            },
          },
        },
      },
    },
  },
  secrets: { slack_token: 'xoxb-secret' },
};
const scope = {
  stageId: 'serviceonboarding',
  stepGroupPath: ['group'],
  stepId: 'inner',
  matrix: { os: 'linux' },
  strategy: { iteration: 1, iterations: 3 },
};

const SHAPES = [
  '<+pipeline.variables.project_name>',
  '<+pipeline.variables.project_name.toLowerCase()>',
  'repo-<+pipeline.variables.project_name>-<+pipeline.sequenceId>',
  '<+pipeline.stages.serviceonboarding.spec.execution.steps.createrepo.output.outputVariables.repositoryUrl>',
  '<<+execution.steps.createrepo.output.outputVariables.repositoryUrl>|Link>',
  '<+steps.inner.output.outputVariables.v>',
  '<+stage.variables.region>',
  '<+matrix.os>-<+strategy.iteration>',
  '<+pipeline.variables.email_id.split("@")[0]>',
  '<+pipeline.variables.notify == "true" ? "yes" : "no">',
  '<+<+pipeline.variables.project_name>.replace("-", "_")>',
  '<+pipeline.variables.count + 1>',
  '<+secrets.getValue("slack_token")>',
];

function measure(engine, seconds) {
  const ctx = createExpressionContext(snapshot, scope);
  for (const s of SHAPES) engine.render(s, ctx); // warm up / validate shapes
  let n = 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < SHAPES.length; i++) engine.render(SHAPES[i], ctx);
    n += SHAPES.length;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return n / elapsed;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const cached = measure(new ExpressionEngine({ cacheSize: 1000 }), 3);
const uncached = measure(new ExpressionEngine({ cacheSize: 0 }), 3);

const seed = readFileSync(
  join(
    __dirname,
    '../../../examples/pipelines/self-service-flow.pipeline.yaml',
  ),
  'utf8',
);
for (let i = 0; i < 200; i++) parsePipeline(seed);
const times = [];
for (let i = 0; i < 1000; i++) {
  const t = process.hrtime.bigint();
  parsePipeline(seed);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}

const fmt = n => Math.round(n).toLocaleString('en-US');
console.log(`expression shapes: ${SHAPES.length}`);
console.log(`cached evaluations/s:    ${fmt(cached)}   (target >= 200,000)`);
console.log(`uncached evaluations/s:  ${fmt(uncached)}`);
console.log(`cache speed-up:          ${(cached / uncached).toFixed(1)}x`);
console.log(
  `seed parse+validate:     median ${median(times).toFixed(3)} ms, p95 ${[...times].sort((a, b) => a - b)[949].toFixed(3)} ms   (target <= 2 ms median)`,
);
