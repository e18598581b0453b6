import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createCreateCatalogStep } from './createCatalog';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';

const step = createCreateCatalogStep({
  config: new ConfigReader({
    app: { baseUrl: 'https://backstage.example.com/' },
  }),
});

const component = (
  name: string,
  extra = '',
) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${name} created using self service flow
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  owner: test
  lifecycle: experimental
${extra}`;

/** What CreateCatalog writes for {@link component}: the execution recorded on it. */
const annotated = (name: string) =>
  component(name).replace(
    '    backstage.io/techdocs-ref: dir:.\n',
    '    backstage.io/techdocs-ref: dir:.\n    idp-pipelines.io/execution: exec-1\n',
  );

function workspace() {
  return mkdtempSync(join(tmpdir(), 'create-catalog-'));
}

describe('CreateCatalog', () => {
  it('writes the file under filePath and outputs the entity page', async () => {
    const ws = workspace();
    const result = await runMockStep(
      step,
      {
        fileName: 'catalog-info.yaml',
        filePath: 'my-service',
        fileContent: component('my-service'),
      },
      { workspace: ws },
    );
    expect(result.error).toBeUndefined();
    expect(
      readFileSync(join(ws, 'my-service', 'catalog-info.yaml'), 'utf8'),
    ).toBe(annotated('my-service'));
    expect(result.outputs).toEqual({
      registeredCatalogUrl:
        'https://backstage.example.com/catalog/default/component/my-service',
    });
    expect(result.logLines()).toContain(
      'info: wrote my-service/catalog-info.yaml with component:default/my-service (annotation idp-pipelines.io/execution: exec-1)',
    );
  });

  it('is idempotent and writes to the workspace root without filePath', async () => {
    const ws = workspace();
    const spec = {
      fileName: 'catalog-info.yaml',
      fileContent: component('svc'),
    };
    const first = await runMockStep(step, spec, { workspace: ws });
    const second = await runMockStep(step, spec, { workspace: ws });
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(second.outputs).toEqual(first.outputs);
    expect(readFileSync(join(ws, 'catalog-info.yaml'), 'utf8')).toBe(
      annotated('svc'),
    );
  });

  it('adds the execution to every entity, after ids already recorded, keeping comments', async () => {
    const ws = workspace();
    const fileContent = [
      '# the service',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: a',
      '  annotations:',
      '    idp-pipelines.io/execution: exec-0',
      'spec: { type: service, owner: test, lifecycle: experimental }',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: System',
      'metadata:',
      '  name: b # its system',
      'spec: { owner: test }',
      '',
    ].join('\n');
    const result = await runMockStep(
      step,
      { fileName: 'catalog-info.yaml', fileContent },
      { workspace: ws },
    );
    expect(result.error).toBeUndefined();
    expect(readFileSync(join(ws, 'catalog-info.yaml'), 'utf8')).toBe(
      [
        '# the service',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        '  name: a',
        '  annotations:',
        '    idp-pipelines.io/execution: exec-0,exec-1',
        'spec: { type: service, owner: test, lifecycle: experimental }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: System',
        'metadata:',
        '  name: b # its system',
        '  annotations:',
        '    idp-pipelines.io/execution: exec-1',
        'spec: { owner: test }',
        '',
      ].join('\n'),
    );
  });

  it('accepts several documents and links to the first entity, in its namespace', async () => {
    const content = `---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: orders-api
  namespace: payments
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: "openapi: 3.0.0"
---
${component('orders')}`;
    const result = await runMockStep(step, {
      fileName: 'catalog-info.yaml',
      fileContent: content,
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs.registeredCatalogUrl).toBe(
      'https://backstage.example.com/catalog/payments/api/orders-api',
    );
  });

  test.each([
    [
      'a bad kind',
      component('svc').replace('kind: Component', 'kind: Componnt'),
      'document 1 (line 1): kind "Componnt" is not a kind of backstage.io; did you mean "Component"? (built-in kinds: API, Component, Domain, Group, Location, Resource, System, User)',
    ],
    [
      'an unsupported apiVersion',
      component('svc').replace('backstage.io/v1alpha1', 'backstage.io/v2'),
      'document 1 (line 1): apiVersion "backstage.io/v2" is not supported for kind Component; use backstage.io/v1alpha1',
    ],
    [
      'a malformed apiVersion',
      component('svc').replace('backstage.io/v1alpha1', 'backstage io'),
      'document 1 (line 1): apiVersion "backstage io" is not a group/version such as backstage.io/v1alpha1',
    ],
    [
      'a name breaking the naming rules',
      component('svc').replace('name: svc', 'name: "My Service!"'),
      'document 1 (line 1): metadata.name "My Service!" breaks the naming rules: use 1-63 characters [a-zA-Z0-9] separated by single "-", "_" or "."; e.g. "My-Service"',
    ],
    [
      'a missing spec field',
      component('svc').replace('  type: service\n', ''),
      'document 1 (line 1): spec.type is required (Component see https://backstage.io/docs/features/software-catalog/descriptor-format)',
    ],
    [
      'a field of the wrong type',
      component('svc', '  system: 42\n'),
      'document 1 (line 1): spec.system must be string (Component see https://backstage.io/docs/features/software-catalog/descriptor-format)',
    ],
    [
      'an unknown root field',
      `${component('svc')}owner: me\n`,
      'document 1 (line 1): unknown top-level field "owner"; only apiVersion, kind, metadata, spec (and relations, status) belong there, so move it under metadata or spec',
    ],
    [
      'a missing apiVersion and name',
      'kind: Component\nmetadata: {}\nspec: {}\n',
      'document 1 (line 1): apiVersion is required, e.g. apiVersion: backstage.io/v1alpha1',
    ],
    [
      'not a mapping',
      '- a\n- b\n',
      'document 1 (line 1): expected a mapping with apiVersion, kind, metadata and spec, found a list',
    ],
    [
      'nothing',
      '---\n',
      'fileContent holds no entity; write at least one document with apiVersion, kind, metadata.name and spec',
    ],
  ])(
    'rejects %s, naming the document and the field',
    async (_, content, message) => {
      const ws = workspace();
      const result = await runMockStep(
        step,
        { fileName: 'catalog-info.yaml', fileContent: content },
        { workspace: ws },
      );
      expect(result.error?.name).toBe('InputError');
      expect(result.error?.message).toContain(`  - ${message}`);
      expect(existsSync(join(ws, 'catalog-info.yaml'))).toBe(false);
    },
  );

  it('reports every bad document of a multi-document file, by index and line', async () => {
    const content = `${component('good')}---
${component('Bad Name')}---
${component('good')}---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: [unclosed
`;
    const result = await runMockStep(step, {
      fileName: 'catalog-info.yaml',
      fileContent: content,
    });
    const lines = result.error!.message.split('\n');
    expect(lines[0]).toBe('spec.fileContent is not a valid catalog file:');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}- document 2 \(line 13\): metadata\.name "Bad Name" breaks the naming rules/,
      ),
      '  - document 3 (line 25): component:default/good is already defined by document 1; give each entity its own metadata.name',
      expect.stringMatching(
        /^ {2}- document 4 \(line 37\): invalid YAML at line \d+: /,
      ),
    ]);
  });

  it('warns about kinds the built-in validators do not know', async () => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: tpl
spec:
  type: service
`;
    const result = await runMockStep(step, {
      fileName: 'template.yaml',
      fileContent: template,
    });
    expect(result.error).toBeUndefined();
    expect(result.logLines()).toContain(
      'warn: document 1 (line 1): Template of scaffolder.backstage.io/v1beta3 is not a built-in kind; the catalog accepts it only if a processor for it is installed',
    );
  });

  test.each([['../outside'], ['/etc'], ['a/../../outside']])(
    'refuses filePath %j outside the workspace',
    async filePath => {
      const result = await runMockStep(step, {
        fileName: 'catalog-info.yaml',
        filePath,
        fileContent: component('svc'),
      });
      expect(result.error?.message).toMatch(
        /points outside the stage workspace/,
      );
    },
  );

  it('refuses to follow a symbolic link out of the workspace', async () => {
    const ws = workspace();
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    symlinkSync(outside, join(ws, 'link'));
    const result = await runMockStep(
      step,
      {
        fileName: 'catalog-info.yaml',
        filePath: 'link',
        fileContent: component('svc'),
      },
      { workspace: ws },
    );
    expect(result.error?.message).toMatch(
      /leads outside the stage workspace through a symbolic link/,
    );
    expect(existsSync(join(outside, 'catalog-info.yaml'))).toBe(false);

    mkdirSync(join(ws, 'dir'));
    symlinkSync(join(outside, 'x.yaml'), join(ws, 'dir', 'catalog-info.yaml'));
    const viaFile = await runMockStep(
      step,
      {
        fileName: 'catalog-info.yaml',
        filePath: 'dir',
        fileContent: component('svc'),
      },
      { workspace: ws },
    );
    expect(viaFile.error?.message).toBe(
      'dir/catalog-info.yaml exists and is not a regular file',
    );
  });

  it('needs fileName and fileContent', async () => {
    const result = await runMockStep(step, { filePath: 'x' });
    expect(result.error?.message).toMatch(/spec\.fileName/);
    expect(result.error?.message).toMatch(/spec\.fileContent/);
  });

  it('skips the output, with a warning, without app.baseUrl', async () => {
    const bare = createCreateCatalogStep({ config: new ConfigReader({}) });
    const result = await runMockStep(bare, {
      fileName: 'c.yaml',
      fileContent: component('svc'),
    });
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({});
    expect(result.logLines()).toContain(
      'warn: app.baseUrl is not configured, so registeredCatalogUrl is not set',
    );
  });
});
