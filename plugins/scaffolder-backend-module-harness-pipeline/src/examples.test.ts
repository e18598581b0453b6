import {
  collectRuntimeInputs,
  parsePipeline,
  resolveRuntimeInputs,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { startBackend } from './__testUtils__/testBackend';
import { parsePipelineUrl } from './url/parsePipelineUrl';

jest.setTimeout(120_000);

const EXAMPLES = resolve(__dirname, '../../../examples');
const read = (path: string) => readFileSync(resolve(EXAMPLES, path), 'utf8');

interface TemplateDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    parameters: Array<{
      properties: Record<string, { default?: unknown; enum?: unknown[] }>;
    }>;
    steps: Array<{
      id: string;
      action: string;
      input: { url: string; inputset: Record<string, string> };
    }>;
    output: unknown;
  };
}

/** Renders `${{ parameters.x }}` with `values`, as the scaffolder would. */
function render(
  inputset: Record<string, string>,
  values: Record<string, unknown>,
) {
  return Object.fromEntries(
    Object.entries(inputset).map(([key, value]) => [
      key,
      value.replace(/^\$\{\{ parameters\.(\w+) \}\}$/, (_, name) =>
        String(values[name]),
      ),
    ]),
  );
}

describe('examples/templates/hello-pipeline', () => {
  it('runs examples/pipelines/hello.pipeline.yaml through the scaffolder', async () => {
    const backend = await startBackend({
      pipelineEngine: {
        worker: { pollIntervalMs: 50 },
        runners: { local: { enabled: true } },
      },
    });
    await backend.createPipeline(read('pipelines/hello.pipeline.yaml'));
    const template = parse(
      read('templates/hello-pipeline/template.yaml'),
    ) as TemplateDoc;
    backend.addTemplate(template);
    const events = await backend.events(
      await backend.startTask('hello-pipeline', {
        name: 'Backstage',
        pause: '0s',
      }),
    );
    const done = events.find(e => e.type === 'completion')!.body as {
      output?: {
        text: Array<{ content: string }>;
        links: Array<{ url: string }>;
      };
      error?: { message: string };
    };
    expect(done.error).toBeUndefined();
    expect(done.output!.text.map(t => t.content.trim())).toEqual([
      'The pipeline said **Hello, Backstage!**',
      '`Hello, Backstage!`',
    ]);
    expect(done.output!.links[0].url).toMatch(
      /\/api\/pipeline-engine\/executions\/[\w-]+$/,
    );
    const log = JSON.stringify(events);
    expect(log).toContain('[greet/say_hello] Hello, Backstage!');
    expect(log).toContain('step greet/wait started');

    // A form field is data: shell syntax typed into it is printed, not run.
    const attack = await backend.events(
      await backend.startTask('hello-pipeline', {
        name: '$(echo INJECTED)`echo TOO`',
        pause: '0s',
      }),
    );
    const attacked = attack.find(e => e.type === 'completion')!.body as {
      output?: { text: Array<{ content: string }> };
    };
    expect(attacked.output!.text[0].content.trim()).toBe(
      'The pipeline said **Hello, $(echo INJECTED)`echo TOO`!**',
    );
    expect(JSON.stringify(attack)).not.toMatch(/Hello, INJECTED/);
  });

  it('ships example pipelines that never paste form input into script text', () => {
    for (const file of [
      'hello.pipeline.yaml',
      'self-service-flow.pipeline.yaml',
    ]) {
      const result = parsePipeline(read(`pipelines/${file}`));
      expect(result.problems.filter(p => p.code.startsWith('script-'))).toEqual(
        [],
      );
    }
  });
});

describe('examples/templates/self-service-flow', () => {
  const template = parse(
    read('templates/self-service-flow/template.yaml'),
  ) as TemplateDoc;
  const pipeline = parse(read('pipelines/self-service-flow.pipeline.yaml'));
  const [step] = template.spec.steps;

  it('is a v1beta3 template triggering the example pipeline of this engine', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(step.action).toBe('trigger:harness-custom-pipeline');
    expect(parsePipelineUrl(step.input.url)).toMatchObject({
      orgIdentifier: pipeline.pipeline.orgIdentifier,
      projectIdentifier: pipeline.pipeline.projectIdentifier,
      pipelineIdentifier: pipeline.pipeline.identifier,
    });
  });

  it('passes every runtime input of the pipeline, from a parameter', () => {
    const properties = Object.assign(
      {},
      ...template.spec.parameters.map(page => page.properties),
    );
    const values = Object.fromEntries(
      Object.entries(properties).map(([name, schema]) => [
        name,
        (schema as { default?: unknown }).default ?? `${name}-value`,
      ]),
    );
    const inputset = render(step.input.inputset, values);
    const resolved = resolveRuntimeInputs(pipeline, inputset);
    expect(resolved).toMatchObject({ ok: true, warnings: [] });
    const fqns = collectRuntimeInputs(pipeline)
      .map(input => input.fqn)
      .sort();
    expect(Object.keys(resolved.ok ? resolved.values : {}).sort()).toEqual(
      fqns,
    );
    // Every parameter is used.
    expect(
      Object.values(step.input.inputset)
        .map(v => v.match(/parameters\.(\w+)/)?.[1])
        .sort(),
    ).toEqual(Object.keys(properties).sort());
  });

  it('reads output variables of steps the pipeline has', () => {
    const output = JSON.stringify(template.spec.output);
    const fqns = [
      ...output.matchAll(
        /pipeline\.stages\.(\w+)\.spec\.execution\.steps\.(\w+)\.output/g,
      ),
    ];
    expect(fqns.length).toBeGreaterThan(0);
    const steps = pipeline.pipeline.stages.flatMap(
      (s: {
        stage: {
          identifier: string;
          spec: {
            execution: { steps: Array<{ step: { identifier: string } }> };
          };
        };
      }) =>
        s.stage.spec.execution.steps.map(
          x => `${s.stage.identifier}.${x.step.identifier}`,
        ),
    );
    for (const [, stage, id] of fqns) expect(steps).toContain(`${stage}.${id}`);
  });
});
