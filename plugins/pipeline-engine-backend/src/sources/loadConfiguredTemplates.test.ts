import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { createDefaultStepSpecRegistry } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createTestDatabases,
  initStores,
} from '../database/__testUtils__/testDatabases';
import { loadConfiguredPipelines } from './loadConfiguredPipelines';
import { loadConfiguredTemplates } from './loadConfiguredTemplates';

const databases = createTestDatabases();
const ROOT = resolve(__dirname, '../../../..');
const TEMPLATE = readFileSync(
  join(ROOT, 'examples/harness-templates/idp_service_onboarding.v1.yaml'),
  'utf8',
);
const PIPELINE = readFileSync(
  join(ROOT, 'examples/pipelines/self-service-flow-templated.pipeline.yaml'),
  'utf8',
);

describe('loadConfiguredTemplates', () => {
  it('loads template versions, marks the stable one, and lets configured pipelines use them', async () => {
    const { stores } = await initStores(databases, 'SQLITE_3');
    const dir = mkdtempSync(join(tmpdir(), 'templates-'));
    writeFileSync(join(dir, 'v1.yaml'), TEMPLATE);
    writeFileSync(
      join(dir, 'v2.yaml'),
      TEMPLATE.replace('versionLabel: v1', 'versionLabel: v2'),
    );
    writeFileSync(
      join(dir, 'broken.yaml'),
      TEMPLATE.replace('type: Stage', 'type: Stge'),
    );
    writeFileSync(join(dir, 'pipeline.yaml'), PIPELINE);
    const logger = mockServices.logger.mock();
    const urlReader = mockServices.urlReader.mock();
    const loaded = await loadConfiguredTemplates({
      sources: [
        { target: 'v1.yaml' },
        { target: 'v2.yaml', stable: true },
        { target: 'broken.yaml' },
      ],
      store: stores.templates,
      urlReader,
      logger,
      baseDir: dir,
    });
    expect(loaded).toBe(2);
    const versions = await stores.templates.versions(
      'account',
      'idp_service_onboarding',
    );
    expect(
      versions.map(v => [v.versionLabel, v.stable, v.source?.type]),
    ).toEqual([
      ['v1', false, 'file'],
      ['v2', true, 'file'],
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('template broken.yaml was not loaded'),
    );

    const pipelines = await loadConfiguredPipelines({
      sources: [{ target: 'pipeline.yaml' }],
      store: stores.pipelines,
      registry: createDefaultStepSpecRegistry(),
      urlReader,
      logger,
      baseDir: dir,
      templates: stores.templates.asTemplateSource(),
    });
    expect(pipelines).toBe(1);
  });
});
