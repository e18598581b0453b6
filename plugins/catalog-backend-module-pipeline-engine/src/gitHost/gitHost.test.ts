import type { Entity } from '@backstage/catalog-model';
import { GitHostLocationProcessor } from './GitHostLocationProcessor';
import { createPipelineEngineUrlResolver } from './pipelineEngineUrlPlaceholder';

const ENGINE = 'https://backstage.example.com/api/pipeline-engine';
const component = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', annotations },
  spec: { type: 'service', owner: 'test', lifecycle: 'experimental' },
});

describe('GitHostLocationProcessor', () => {
  const processor = new GitHostLocationProcessor(async () => `${ENGINE}/git`);

  it('points source-location at the file’s folder and view-url at its page', async () => {
    const target = `${ENGINE}/git/acme/svc/raw/feature/x/deploy/catalog-info.yaml`;
    const entity = await processor.preProcessEntity(
      component({ 'backstage.io/view-url': target }),
      { type: 'url', target },
    );
    expect(entity.metadata.annotations).toEqual({
      'backstage.io/source-location': `url:${ENGINE}/git/acme/svc/tree/feature/x/deploy/`,
      'backstage.io/view-url': `${ENGINE}/git/acme/svc/blob/feature/x/deploy/catalog-info.yaml`,
    });
  });

  it('keeps what the entity sets and ignores other hosts', async () => {
    const own = component({
      'backstage.io/source-location':
        'url:https://github.com/acme/svc/tree/main/',
      'backstage.io/view-url': 'https://docs.example.com',
    });
    const target = `${ENGINE}/git/acme/svc/raw/main/catalog-info.yaml`;
    expect(
      (await processor.preProcessEntity(own, { type: 'url', target })).metadata
        .annotations,
    ).toEqual(own.metadata.annotations);
    const elsewhere = component();
    expect(
      await processor.preProcessEntity(elsewhere, {
        type: 'url',
        target: 'https://github.com/acme/svc/blob/main/catalog-info.yaml',
      }),
    ).toBe(elsewhere);
  });
});

describe('$pipelineEngineUrl', () => {
  const resolve = createPipelineEngineUrlResolver(async () => `${ENGINE}/`);
  const params = (value: unknown) =>
    ({
      key: 'pipelineEngineUrl',
      value,
      baseUrl: '',
      read: jest.fn(),
      resolveUrl: jest.fn(),
      emit: jest.fn(),
    }) as any;

  it('resolves a path below the engine’s external URL', async () => {
    await expect(resolve(params('/git/templates/service.git'))).resolves.toBe(
      `${ENGINE}/git/templates/service.git`,
    );
  });

  it('refuses absolute URLs and parent paths with the fix', async () => {
    await expect(resolve(params('https://evil.example.com/x'))).rejects.toThrow(
      'must be a relative path such as git/templates/service.git',
    );
    await expect(resolve(params('git/../../auth'))).rejects.toThrow('no ".."');
    await expect(resolve(params(42))).rejects.toThrow('takes a path below');
  });
});
