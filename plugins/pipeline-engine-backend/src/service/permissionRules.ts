import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  type PermissionRule,
  type PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  parsePipelineResourceRef,
  PIPELINE_RESOURCE_TYPE,
  pipelineEnginePermissions,
  type PipelineRef,
  type PipelineResourceType,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { stringParamsSchema } from './ruleParams';
import type { PipelineEngineApi } from './types';

/**
 * Query form of the pipeline rules: one identifier that must equal one of
 * `values`. Criteria of these combine with allOf/anyOf/not.
 */
export interface PipelinePermissionQuery {
  property: keyof PipelineRef;
  values: string[];
}

/** Identifies the pipeline resource type for the permissions registry. */
export const pipelinePermissionResourceRef = createPermissionResourceRef<
  PipelineRef,
  PipelinePermissionQuery
>().with({
  pluginId: 'pipeline-engine',
  resourceType: PIPELINE_RESOURCE_TYPE,
});

/** Allows pipelines of one organization. */
export const isInOrg = createPermissionRule({
  name: 'IS_IN_ORG',
  description: 'Allow pipelines of the given organization',
  resourceRef: pipelinePermissionResourceRef,
  paramsSchema: stringParamsSchema({
    required: { orgIdentifier: 'Identifier of the organization' },
  }),
  apply: (resource, { orgIdentifier }) =>
    resource.orgIdentifier === orgIdentifier,
  toQuery: ({ orgIdentifier }) => ({
    property: 'orgIdentifier',
    values: [orgIdentifier],
  }),
});

/** Allows pipelines of one project (project identifiers are per org). */
export const isInProject = createPermissionRule({
  name: 'IS_IN_PROJECT',
  description: 'Allow pipelines of the given project of an organization',
  resourceRef: pipelinePermissionResourceRef,
  paramsSchema: stringParamsSchema({
    required: {
      orgIdentifier: 'Identifier of the organization',
      projectIdentifier: 'Identifier of the project in that organization',
    },
  }),
  apply: (resource, { orgIdentifier, projectIdentifier }) =>
    resource.orgIdentifier === orgIdentifier &&
    resource.projectIdentifier === projectIdentifier,
  toQuery: ({ orgIdentifier, projectIdentifier }) => ({
    allOf: [
      { property: 'orgIdentifier', values: [orgIdentifier] },
      { property: 'projectIdentifier', values: [projectIdentifier] },
    ],
  }),
});

/**
 * Allows pipelines with the given identifier, optionally narrowed to an
 * org and project (the same identifier may exist in several projects).
 */
export const isPipeline = createPermissionRule({
  name: 'IS_PIPELINE',
  description:
    'Allow the pipeline with the given identifier, optionally only in the given organization and project',
  resourceRef: pipelinePermissionResourceRef,
  paramsSchema: stringParamsSchema({
    required: { pipelineIdentifier: 'Identifier of the pipeline' },
    optional: {
      orgIdentifier: 'Identifier of the organization',
      projectIdentifier: 'Identifier of the project',
    },
  }),
  apply: (resource, params) =>
    resource.pipelineIdentifier === params.pipelineIdentifier &&
    (params.orgIdentifier === undefined ||
      resource.orgIdentifier === params.orgIdentifier) &&
    (params.projectIdentifier === undefined ||
      resource.projectIdentifier === params.projectIdentifier),
  toQuery: params => {
    const identifier: PipelinePermissionQuery = {
      property: 'pipelineIdentifier',
      values: [params.pipelineIdentifier],
    };
    const scope: PipelinePermissionQuery[] = [];
    if (params.orgIdentifier !== undefined) {
      scope.push({ property: 'orgIdentifier', values: [params.orgIdentifier] });
    }
    if (params.projectIdentifier !== undefined) {
      scope.push({
        property: 'projectIdentifier',
        values: [params.projectIdentifier],
      });
    }
    return scope.length === 0 ? identifier : { allOf: [identifier, ...scope] };
  },
});

/** The built-in rules for pipelines, by condition name. */
export const pipelinePermissionRules = { isInOrg, isInProject, isPipeline };

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: pipelinePermissionResourceRef,
  rules: pipelinePermissionRules,
});

/**
 * Condition factories for policy authors, e.g.
 * `pipelineConditions.isInProject({ orgIdentifier: 'default', projectIdentifier: 'web' })`.
 */
export const pipelineConditions = conditions;

/**
 * Wraps pipeline conditions into a conditional decision, for policies:
 *
 * ```ts
 * if (isResourcePermission(request.permission, PIPELINE_RESOURCE_TYPE)) {
 *   return createPipelineConditionalDecision(request.permission, {
 *     anyOf: [pipelineConditions.isInOrg({ orgIdentifier: 'default' })],
 *   });
 * }
 * ```
 */
export const createPipelineConditionalDecision = createConditionalDecision;

/** The rule lookup for pipelines, as returned by the permissions registry. */
export type PipelinePermissionRuleset = PermissionRuleset<
  PipelineRef,
  PipelinePermissionQuery,
  PipelineResourceType
>;

/**
 * A ruleset of the built-in rules only, for when the registry's (which also
 * has rules added by modules) is not at hand, e.g. in tests.
 */
export function builtInPipelineRuleset(): PipelinePermissionRuleset {
  const byName = new Map<
    string,
    PermissionRule<PipelineRef, PipelinePermissionQuery, PipelineResourceType>
  >(
    Object.values(pipelinePermissionRules).map(rule => [
      rule.name,
      rule as PermissionRule<
        PipelineRef,
        PipelinePermissionQuery,
        PipelineResourceType
      >,
    ]),
  );
  return {
    getRuleByName(name) {
      const rule = byName.get(name);
      if (!rule) {
        throw new Error(`Unknown pipeline permission rule '${name}'`);
      }
      return rule;
    },
  };
}

/**
 * Loads the pipelines named by resource refs, for the permission backend to
 * evaluate conditions on; undefined for the ones that do not exist.
 */
export type PipelineResourceLoader = (
  refs: PipelineRef[],
) => Promise<Array<PipelineRef | undefined>>;

/**
 * The usual {@link PipelineResourceLoader}: a pipeline exists when the
 * engine can read it; other errors propagate.
 */
export function createPipelineResourceLoader(
  api: Pick<PipelineEngineApi, 'getPipeline'>,
): PipelineResourceLoader {
  return refs =>
    Promise.all(
      refs.map(ref =>
        api.getPipeline(ref).then(
          () => ref,
          error => {
            if (isError(error) && error.name === 'NotFoundError') {
              return undefined;
            }
            throw error;
          },
        ),
      ),
    );
}

/**
 * Registers the pipeline resource type, its rules and all permissions of
 * the plugin. `getResources` receives parsed refs; malformed
 * `org:project:pipeline` strings are answered with undefined without it.
 */
export function registerPipelinePermissions(
  permissionsRegistry: PermissionsRegistryService,
  getResources: PipelineResourceLoader,
): void {
  permissionsRegistry.addResourceType({
    resourceRef: pipelinePermissionResourceRef,
    permissions: pipelineEnginePermissions.filter(permission =>
      isResourcePermission(permission, PIPELINE_RESOURCE_TYPE),
    ),
    rules: Object.values(pipelinePermissionRules),
    async getResources(resourceRefs) {
      const parsed = resourceRefs.map(parsePipelineResourceRef);
      const wellFormed = parsed.filter(
        (ref): ref is PipelineRef => ref !== undefined,
      );
      const loaded =
        wellFormed.length > 0 ? await getResources(wellFormed) : [];
      let next = 0;
      return parsed.map(ref =>
        ref === undefined ? undefined : loaded[next++],
      );
    },
  });
  permissionsRegistry.addPermissions(
    pipelineEnginePermissions.filter(
      permission => !isResourcePermission(permission, PIPELINE_RESOURCE_TYPE),
    ),
  );
}
