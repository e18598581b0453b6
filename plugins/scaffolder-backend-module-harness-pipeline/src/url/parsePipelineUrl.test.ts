import { parsePipelineUrl } from './parsePipelineUrl';

const ACC = 'vpCkHKsDSxK9_KYfjCTMKA';
const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'communityeng',
  pipelineIdentifier: 'IDP_New_NextJS_app',
};
const PROJECT_PATH = `orgs/default/projects/communityeng/pipelines/IDP_New_NextJS_app`;

describe('parsePipelineUrl', () => {
  describe('Harness URLs', () => {
    it.each([
      [
        'module/idp with pipeline-studio and storeType',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/pipeline-studio/?storeType=INLINE`,
        { section: 'module/idp', moduleType: 'idp', storeType: 'INLINE' },
      ],
      [
        'a bare idp-admin module segment (public IDP workflows)',
        `https://app.harness.io/ng/account/${ACC}/idp-admin/${PROJECT_PATH}/pipeline-studio/?storeType=INLINE`,
        { section: 'idp-admin', moduleType: 'idp', storeType: 'INLINE' },
      ],
      [
        'a bare cd module segment',
        `https://app.harness.io/ng/account/${ACC}/cd/${PROJECT_PATH}/pipeline-studio/`,
        { section: 'cd', moduleType: 'cd' },
      ],
      [
        'a bare ci module segment without a tab',
        `https://app.harness.io/ng/account/${ACC}/ci/${PROJECT_PATH}`,
        { section: 'ci', moduleType: 'ci' },
      ],
      [
        'a hash route with a bare module segment',
        `https://app.harness.io/ng/#/account/${ACC}/cd/${PROJECT_PATH}/pipeline-studio/?storeType=INLINE`,
        { section: 'cd', moduleType: 'cd', storeType: 'INLINE' },
      ],
      [
        'a hash route of the home section',
        `https://app.harness.io/ng/#/account/${ACC}/home/${PROJECT_PATH}/pipeline-studio/`,
        { section: 'home' },
      ],
      [
        'an execution link (runs its pipeline)',
        `https://app.harness.io/ng/account/${ACC}/module/idp-admin/${PROJECT_PATH}/executions/kHf4_Zp2QdW/pipeline?storeType=INLINE`,
        {
          section: 'module/idp-admin',
          moduleType: 'idp',
          storeType: 'INLINE',
          executionIdentifier: 'kHf4_Zp2QdW',
        },
      ],
      [
        'an execution link of a bare module behind a hash route',
        `https://app.harness.io/ng/#/account/${ACC}/cd/${PROJECT_PATH}/executions/abc123/pipeline`,
        { section: 'cd', moduleType: 'cd', executionIdentifier: 'abc123' },
      ],
      [
        'an execution link without a view',
        `https://app.harness.io/ng/account/${ACC}/home/${PROJECT_PATH}/executions/abc123`,
        { section: 'home', executionIdentifier: 'abc123' },
      ],
      [
        'a remote pipeline behind a bare module segment',
        `https://app.harness.io/ng/account/${ACC}/idp-admin/${PROJECT_PATH}/pipeline-studio/?storeType=REMOTE&connectorRef=org.github&repoName=idp&branch=main`,
        {
          section: 'idp-admin',
          moduleType: 'idp',
          storeType: 'REMOTE',
          connectorRef: 'org.github',
          repoName: 'idp',
          branch: 'main',
        },
      ],
      [
        'home with pipeline-studio and storeType',
        `https://app.harness.io/ng/account/${ACC}/home/${PROJECT_PATH}/pipeline-studio/?storeType=INLINE`,
        { section: 'home', storeType: 'INLINE' },
      ],
      [
        'all section',
        `https://app.harness.io/ng/account/${ACC}/all/${PROJECT_PATH}/pipeline-studio`,
        { section: 'all' },
      ],
      [
        'another module (idp-admin)',
        `https://app.harness.io/ng/account/${ACC}/module/idp-admin/${PROJECT_PATH}`,
        { section: 'module/idp-admin', moduleType: 'idp' },
      ],
      [
        'no section before orgs',
        `https://app.harness.io/ng/account/${ACC}/${PROJECT_PATH}`,
        { section: 'home' },
      ],
      [
        'without a suffix or a trailing slash',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}`,
        { section: 'module/idp' },
      ],
      [
        'with a trailing slash only',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/`,
        { section: 'module/idp' },
      ],
      [
        'pipeline-studio without trailing slash and no query',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/pipeline-studio`,
        {},
      ],
      [
        'several trailing slashes',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/pipeline-studio//`,
        {},
      ],
      [
        'remote (Git Experience) with repoName and branch',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}?repoName=idp-pipelines&branch=main`,
        { repoName: 'idp-pipelines', branch: 'main' },
      ],
      [
        'remote with the query in another order and storeType',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/pipeline-studio/?branch=feature%2Fx&storeType=REMOTE&connectorRef=account.gh&repoName=repo`,
        {
          repoName: 'repo',
          branch: 'feature/x',
          storeType: 'REMOTE',
          connectorRef: 'account.gh',
        },
      ],
      [
        'lower-case storeType',
        `https://app.harness.io/ng/account/${ACC}/home/${PROJECT_PATH}?storeType=inline`,
        { storeType: 'INLINE' },
      ],
      [
        'the executions tab of the pipeline',
        `https://app.harness.io/ng/account/${ACC}/module/idp/${PROJECT_PATH}/executions`,
        {},
      ],
      [
        'the old hash route',
        `https://app.harness.io/ng/#/account/${ACC}/module/idp/${PROJECT_PATH}/pipeline-studio/?storeType=INLINE`,
        { section: 'module/idp', moduleType: 'idp', storeType: 'INLINE' },
      ],
      [
        'a self-managed Harness host with a port',
        `https://harness.example.com:8443/ng/account/${ACC}/home/${PROJECT_PATH}`,
        { origin: 'https://harness.example.com:8443' },
      ],
      [
        'surrounding white space',
        `  https://app.harness.io/ng/account/${ACC}/home/${PROJECT_PATH}\n`,
        {},
      ],
    ])('accepts %s', (_name, url, expected) => {
      expect(parsePipelineUrl(url)).toEqual({
        form: 'harness',
        origin: 'https://app.harness.io',
        accountIdentifier: ACC,
        section: expect.any(String),
        ...(url.includes('/module/idp/') ? { moduleType: 'idp' } : {}),
        ...REF,
        ...expected,
      });
    });

    it('leaves out absent and empty query parameters', () => {
      const parsed = parsePipelineUrl(
        `https://app.harness.io/ng/account/${ACC}/home/${PROJECT_PATH}?repoName=&branch=`,
      );
      expect(parsed).not.toHaveProperty('repoName');
      expect(parsed).not.toHaveProperty('branch');
      expect(parsed).not.toHaveProperty('storeType');
    });

    it('decodes percent-encoded identifiers', () => {
      expect(
        parsePipelineUrl(
          `https://app.harness.io/ng/account/${ACC}/home/orgs/default/projects/p/pipelines/my%5Fpipe`,
        ).pipelineIdentifier,
      ).toBe('my_pipe');
    });
  });

  describe("this engine's URLs", () => {
    const ref = {
      orgIdentifier: 'default',
      projectIdentifier: 'projctidp',
      pipelineIdentifier: 'SelfServiceflowreposetup',
    };
    const path = 'pipelines/default/projctidp/SelfServiceflowreposetup';

    it.each([
      [
        `http://localhost:7007/api/pipeline-engine/${path}`,
        'engine-api',
        'http://localhost:7007',
      ],
      [
        `http://localhost:7007/api/pipeline-engine/${path}/`,
        'engine-api',
        'http://localhost:7007',
      ],
      [
        `https://backstage.example.com/proxy/api/pipeline-engine/${path}?x=1`,
        'engine-api',
        'https://backstage.example.com',
      ],
      [`http://localhost:3000/${path}`, 'engine-ui', 'http://localhost:3000'],
      [
        `http://localhost:3000/pipeline-engine/${path}/`,
        'engine-ui',
        'http://localhost:3000',
      ],
      [
        `http://localhost:3000/${path}/executions`,
        'engine-ui',
        'http://localhost:3000',
      ],
      [`https://app.harness.io/${path}`, 'engine-ui', 'https://app.harness.io'],
    ])('accepts %s', (url, form, origin) => {
      expect(parsePipelineUrl(url)).toEqual({ form, origin, ...ref });
    });

    it('accepts a path without a host', () => {
      expect(parsePipelineUrl(`/${path}`)).toEqual({
        form: 'engine-ui',
        ...ref,
      });
      expect(parsePipelineUrl(`/api/pipeline-engine/${path}`)).toEqual({
        form: 'engine-api',
        ...ref,
      });
    });
  });

  describe('rejects', () => {
    it.each([
      ['', /the URL is empty/],
      ['   ', /the URL is empty/],
      ['not a url', /not an absolute URL/],
      [
        'app.harness.io/ng/account/a/home/orgs/o/projects/p/pipelines/x',
        /not an absolute URL/,
      ],
      [
        'ftp://app.harness.io/ng/account/a/home/orgs/o/projects/p/pipelines/x',
        /scheme ftp: is not http or https/,
      ],
      ['https://app.harness.io/', /names no pipeline/],
      ['https://app.harness.io/ng/', /starts with \/ng\/account/],
      ['https://app.harness.io/ng/account/', /account identifier is missing/],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/default/projects/p`,
        /needs \/orgs\/<org>\/projects/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/default/projects/p/pipelines/`,
        /pipeline identifier is missing/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/settings/orgs/o/projects/p/pipelines/x`,
        /"settings" after the account identifier/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/o/projects/p/pipelines/x/executions/abc/pipeline/extra`,
        /"\/executions\/abc\/pipeline\/extra" after the pipeline identifier/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/idp-admin/projects/p/pipelines/x`,
        /"idp-admin" after the account identifier is not/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/o/projects/p/pipelines/x/executions/a%20b/pipeline`,
        /execution identifier "a b" is not an identifier/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/o/projects/p/pipelines/x/pipeline-studio?storeType=GIT`,
        /storeType "GIT"/,
      ],
      [
        `https://app.harness.io/ng/account/${ACC}/module/idp/orgs/<org>/projects/p/pipelines/x`,
        /org identifier "<org>" is not an identifier/,
      ],
      [
        'http://localhost:7007/api/pipeline-engine/pipelines/default/p',
        /names no pipeline/,
      ],
      [
        'http://localhost:7007/api/pipeline-engine/executions/abc',
        /names no pipeline/,
      ],
      [
        'http://localhost:7007/api/pipeline-engine/pipelines/o/p/x/yaml/extra',
        /names no pipeline/,
      ],
      [
        'http://localhost:7007/pipelines/o/p/x%ZZ',
        /not a valid URL path segment/,
      ],
    ])('%j', (url, reason) => {
      expect(() => parsePipelineUrl(url)).toThrow(reason);
    });

    it('with an InputError listing every accepted shape', () => {
      let error: Error | undefined;
      try {
        parsePipelineUrl('https://example.com/somewhere');
      } catch (e) {
        error = e as Error;
      }
      expect(error?.name).toBe('InputError');
      expect(error?.message).toContain(
        'Unsupported pipeline URL "https://example.com/somewhere"',
      );
      expect(error?.message).toContain(
        '/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/?storeType=INLINE',
      );
      expect(error?.message).toContain('/home/orgs/<org>');
      expect(error?.message).toContain('&repoName=<repo>&branch=<branch>');
      expect(error?.message).toContain('/idp-admin/orgs/<org>');
      expect(error?.message).toContain('/executions/<execution>/pipeline');
      expect(error?.message).toContain(
        '/api/pipeline-engine/pipelines/<org>/<project>/<pipeline>',
      );
      expect(error?.message).toContain(
        '<app base URL>/pipelines/<org>/<project>/<pipeline>',
      );
    });
  });
});
