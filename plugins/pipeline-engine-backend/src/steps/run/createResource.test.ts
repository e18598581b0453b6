import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProgram } from '../../runners';
import {
  accountOfApiKey,
  createCreateResourceStep,
  needsHarnessProvider,
} from './createResource';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  cleanupTemp,
  runnersFor,
  standIn,
  workspaceDir,
} from './__testUtils__/stepTestKit';

jest.setTimeout(120_000);

const PIPELINE_DEFINITION = `resource "harness_platform_pipeline" "pipeline" {
  identifier = "identifier"
  org_id     = "orgIdentifier"
  project_id = "projectIdentifier"
  name       = "name"
  yaml = <<-EOT
    pipeline:
      name: name
  EOT
}`;

const API_KEY = 'pat.acc123.tok456.s3cr3tPart';

/** A stand-in tool that copies the *.tf files it was pointed at next to itself. */
function toolStandIn(name: string, options: { failOn?: string } = {}) {
  return standIn(name, {
    output: `${name} ran`,
    script: `for a in "$@"; do case "$a" in -chdir=*) d="\${a#-chdir=}";; esac; done
cp "$d"/*.tf "$(dirname "$0")/"
${options.failOn ? `if [ "$2" = ${options.failOn} ]; then echo "Error: Invalid credentials: 401 Unauthorized" >&2; exit 1; fi` : ''}`,
  });
}

const originalPath = process.env.PATH;
/** Set by the stand-in test, checked when no real tool can run. */
let standInRan = false;

afterEach(() => {
  process.env.PATH = originalPath;
  delete process.env.BACKEND_ONLY_SECRET;
  cleanupTemp();
});

describe('CreateResource step', () => {
  it('runs tofu init and apply -auto-approve on main.tf in a scratch directory, with the key exported and masked', async () => {
    const tofu = toolStandIn('tofu');
    process.env.PATH = `${tofu.bin}:${originalPath}`;
    process.env.BACKEND_ONLY_SECRET = 'backend-password';
    const workspace = workspaceDir();
    const r = await runMockStep(
      createCreateResourceStep(
        runnersFor({
          local: { enabled: true },
          createResource: { endpoint: 'https://harness.example.com/gateway' },
        }),
      ),
      { resourceDefinition: PIPELINE_DEFINITION, xApiKey: API_KEY },
      { workspace },
    );
    expect(r.error).toBeUndefined();
    const calls = tofu.calls();
    expect(calls).toHaveLength(2);
    const chdir = calls[0][0];
    expect(chdir).toMatch(
      new RegExp(`^-chdir=${workspace}/\\.create-resource-`),
    );
    expect(calls[0]).toEqual([chdir, 'init', '-input=false', '-no-color']);
    expect(calls[1]).toEqual([
      chdir,
      'apply',
      '-auto-approve',
      '-input=false',
      '-no-color',
    ]);
    // Written, then removed with the state.
    expect(readFileSync(join(tofu.bin, 'main.tf'), 'utf8')).toBe(
      PIPELINE_DEFINITION,
    );
    expect(readFileSync(join(tofu.bin, 'providers.tf'), 'utf8')).toContain(
      'source = "harness/harness"',
    );
    expect(existsSync(chdir.slice('-chdir='.length))).toBe(false);
    expect(readdirSync(workspace)).toEqual([]);
    const [env] = tofu.envs();
    expect(env).toMatchObject({
      HARNESS_PLATFORM_API_KEY: API_KEY,
      HARNESS_ACCOUNT_ID: 'acc123',
      HARNESS_ENDPOINT: 'https://harness.example.com/gateway',
      TF_IN_AUTOMATION: '1',
    });
    expect(env.BACKEND_ONLY_SECRET).toBeUndefined();
    expect(r.masked).toContain(API_KEY);
    expect(r.logText()).toContain('tofu init -input=false -no-color');
    expect(r.logText()).toContain('tofu ran');
    standInRan = true;
  });

  it("fails with the tool's message", async () => {
    const tofu = toolStandIn('tofu', { failOn: 'apply' });
    process.env.PATH = `${tofu.bin}:${originalPath}`;
    const r = await runMockStep(
      createCreateResourceStep(runnersFor({ local: { enabled: true } })),
      { resourceDefinition: PIPELINE_DEFINITION, xApiKey: 'plain-key-value' },
    );
    expect(r.error?.message).toMatch(
      /^tofu apply exited with code 1; last \d+ lines of output:\n/,
    );
    expect(r.error?.message).toContain(
      'Error: Invalid credentials: 401 Unauthorized',
    );
    expect(tofu.envs()[0].HARNESS_ACCOUNT_ID).toBeUndefined();
  });

  it('uses terraform when configured', async () => {
    const terraform = toolStandIn('terraform');
    const r = await runMockStep(
      createCreateResourceStep(
        runnersFor({
          local: { enabled: true },
          createResource: { command: terraform.path },
        }),
      ),
      {
        resourceDefinition: 'resource "null_resource" "x" {}',
        xApiKey: API_KEY,
      },
    );
    expect(r.error).toBeUndefined();
    expect(terraform.calls().map(c => c[1])).toEqual(['init', 'apply']);
    expect(existsSync(join(terraform.bin, 'providers.tf'))).toBe(false);
  });

  it('says which tool is missing and how to switch', async () => {
    process.env.PATH = '/nonexistent-bin';
    const step = createCreateResourceStep(
      runnersFor({ local: { enabled: true } }),
    );
    const r = await runMockStep(step, {
      resourceDefinition: PIPELINE_DEFINITION,
      xApiKey: API_KEY,
    });
    expect(r.error?.message).toBe(
      'CreateResource needs OpenTofu ("tofu"), which was not found on the backend\'s PATH; ' +
        'install OpenTofu, or set pipelineEngine.runners.createResource.command: terraform to use Terraform',
    );
    const tf = await runMockStep(
      createCreateResourceStep(
        runnersFor({
          local: { enabled: true },
          createResource: { command: 'terraform' },
        }),
      ),
      { resourceDefinition: PIPELINE_DEFINITION, xApiKey: API_KEY },
    );
    expect(tf.error?.message).toMatch(/needs Terraform \("terraform"\)/);
  });

  it('needs the local runner', async () => {
    const r = await runMockStep(createCreateResourceStep(runnersFor({})), {
      resourceDefinition: PIPELINE_DEFINITION,
      xApiKey: API_KEY,
    });
    expect(r.error?.message).toMatch(
      /^CreateResource runs tofu on the backend host, but running processes on the backend host is disabled; set pipelineEngine\.runners\.local\.enabled: true/,
    );
    expect(r.masked).toContain(API_KEY);
  });

  it('applies a definition for real with OpenTofu, or Terraform, when installed (else says it did not)', async () => {
    expect.hasAssertions();
    const tool = await installedTool();
    await (tool ? realRun(tool) : standInOnly());
  });
});

/** `tofu`, else `terraform`, when on the backend's PATH. */
async function installedTool(): Promise<string | undefined> {
  for (const tool of ['tofu', 'terraform']) {
    if (await findProgram(tool, originalPath)) return tool;
  }
  return undefined;
}

function standInOnly(): void {
  // eslint-disable-next-line no-console
  console.warn(
    'CreateResource real run NOT performed: neither tofu nor terraform is installed; only the stand-in path was tested',
  );
  expect(standInRan).toBe(true);
}

async function realRun(tool: string): Promise<void> {
  const r = await runMockStep(
    createCreateResourceStep(
      runnersFor({
        local: { enabled: true },
        createResource: { command: tool },
      }),
    ),
    {
      // Built-in resources only: no provider download.
      resourceDefinition:
        'resource "terraform_data" "example" {\n  input = "created by CreateResource"\n}\noutput "value" {\n  value = terraform_data.example.output\n}\n',
      xApiKey: API_KEY,
    },
  );
  expect(r.error).toBeUndefined();
  expect(r.logText()).toContain('Apply complete! Resources: 1 added');
  expect(r.logText()).toContain('value = "created by CreateResource"');
}

describe('CreateResource helpers', () => {
  it('declares the Harness provider only when the definition uses it without required_providers', () => {
    expect(needsHarnessProvider(PIPELINE_DEFINITION)).toBe(true);
    expect(
      needsHarnessProvider('data "harness_platform_organization" "o" {}'),
    ).toBe(true);
    expect(
      needsHarnessProvider(
        `terraform {\n  required_providers {\n    harness = { source = "harness/harness" }\n  }\n}\n${PIPELINE_DEFINITION}`,
      ),
    ).toBe(false);
    expect(needsHarnessProvider('resource "terraform_data" "x" {}')).toBe(
      false,
    );
  });

  it('reads the account from a Harness token', () => {
    expect(accountOfApiKey('pat.abc.def.ghi')).toBe('abc');
    expect(accountOfApiKey('sat.abc.def.ghi')).toBe('abc');
    expect(accountOfApiKey('plain')).toBeUndefined();
  });
});
