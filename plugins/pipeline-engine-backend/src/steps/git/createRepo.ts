import { createRepoStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { repositoryFromSpec, type GitStepsRuntime } from './shared';

/**
 * `CreateRepo`: creates a repository with the connector's provider and
 * outputs `repositoryUrl`. An existing empty repository is adopted, so a
 * re-run after a crash succeeds; an existing non-empty one fails the step.
 */
export function createCreateRepoStep(runtime: GitStepsRuntime) {
  return createStepHandler({
    ...createRepoStepDefinition,
    async handler(ctx) {
      const { spec } = ctx;
      const { connector, provider } = runtime.resolve(
        ctx,
        spec.connectorRef,
        spec.connectorType,
      );
      const personalAccount = spec.personalAccount ?? false;
      const ref = repositoryFromSpec(connector, provider, spec, {
        organizationOptional: personalAccount,
      });
      const credentials = await runtime.credentials(ctx, connector, ref);
      const name = [ref.organization, ref.project, ref.repository]
        .filter(Boolean)
        .join('/');
      ctx.logger.info(
        `Creating ${spec.repoType} repository ${name} with connector "${connector.id}" (${connector.type})`,
      );
      const result = await provider.createRepository(
        {
          ...ref,
          description: spec.description,
          repoType: spec.repoType,
          defaultBranch: spec.defaultBranch ?? 'main',
          personalAccount,
          workspace: spec.workspace,
        },
        { credentials, logger: ctx.logger, signal: ctx.signal },
      );
      ctx.logger.info(
        result.created
          ? `Created repository ${result.repositoryUrl}`
          : `Repository ${result.repositoryUrl} already existed and is empty; using it`,
      );
      ctx.output('repositoryUrl', result.repositoryUrl);
    },
  });
}
