import type { ExtensionPoint } from '@backstage/backend-plugin-api';
import {
  pipelineEngineCookiecutterExtensionPoint,
  pipelineEngineRunnersExtensionPoint,
  pipelineEngineScmExtensionPoint,
  pipelineEngineSecretsExtensionPoint,
  type StepRunner,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { createBuiltinEngine } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import { StepHandlerRegistry } from './engine';
import { createPipelineEngineExtensions } from './extensions';
import { readRunnerSettings, StepRunners } from './runners';
import { ConfigReader } from '@backstage/config';

function register() {
  const points = new Map<string, unknown>();
  const extensions = createPipelineEngineExtensions(
    {
      registerExtensionPoint: <T>(ref: ExtensionPoint<T>, impl: T) => {
        points.set(ref.id, impl);
      },
    },
    new StepHandlerRegistry(),
  );
  const point = <T>(ref: ExtensionPoint<T>) => points.get(ref.id) as T;
  return { extensions, point };
}

const podRunner: StepRunner = {
  kind: 'kubernetes',
  run: async () => ({ exitCode: 0, signal: null, aborted: false, tail: [] }),
};

describe('createPipelineEngineExtensions', () => {
  it('collects secret sources in order and what modules replace', () => {
    const { extensions, point } = register();
    const first = { name: 'a', getSecret: async () => undefined };
    const second = { name: 'b', getSecret: async () => 'x' };
    point(pipelineEngineSecretsExtensionPoint).addSecretSource(first);
    point(pipelineEngineSecretsExtensionPoint).addSecretSource(second);
    const engine = createBuiltinEngine();
    point(pipelineEngineCookiecutterExtensionPoint).setEngine(engine);
    point(pipelineEngineRunnersExtensionPoint).setContainerRunner(podRunner);
    const github = jest.fn();
    point(pipelineEngineScmExtensionPoint).setProviderFactory('github', github);
    expect(extensions).toEqual({
      secretSources: [first, second],
      cookiecutterEngine: engine,
      containerRunner: podRunner,
      scmProviders: { github },
    });
  });

  it('refuses a second module replacing the same built-in, naming both', () => {
    const { point } = register();
    point(pipelineEngineRunnersExtensionPoint).setContainerRunner(podRunner);
    expect(() =>
      point(pipelineEngineRunnersExtensionPoint).setContainerRunner({
        ...podRunner,
        kind: 'nomad',
      }),
    ).toThrow(
      "two modules set the pipeline engine's container runner (kubernetes and nomad); install only one",
    );
    point(pipelineEngineScmExtensionPoint).setProviderFactory(
      'gitlab',
      jest.fn(),
    );
    expect(() =>
      point(pipelineEngineScmExtensionPoint).setProviderFactory(
        'gitlab',
        jest.fn(),
      ),
    ).toThrow(
      "two modules set the pipeline engine's SCM provider for gitlab; install only one",
    );
    point(pipelineEngineCookiecutterExtensionPoint).setEngine(
      createBuiltinEngine(),
    );
    expect(() =>
      point(pipelineEngineCookiecutterExtensionPoint).setEngine(
        createBuiltinEngine(),
      ),
    ).toThrow(
      "two modules set the pipeline engine's cookiecutter engine (builtin and builtin); install only one",
    );
  });
});

describe('StepRunners with a module container runner', () => {
  it('runs image steps with it instead of docker', () => {
    const runners = new StepRunners(
      readRunnerSettings(new ConfigReader({})),
      undefined,
      podRunner,
    );
    const logger = {
      info: jest.fn(),
      warn: jest.fn(),
      error: jest.fn(),
      write: jest.fn(),
    };
    expect(
      runners.select({
        container: { image: 'alpine' },
        useDefaultImage: false,
        logger,
      }),
    ).toEqual({
      runner: podRunner,
      container: { image: 'alpine' },
    });
  });
});
