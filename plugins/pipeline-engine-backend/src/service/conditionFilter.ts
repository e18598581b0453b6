import type {
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelinePermissionRuleset } from './permissionRules';

/**
 * Turns the conditions of a CONDITIONAL decision into a predicate over
 * pipeline refs, by applying the registered rules in memory. Lists use it:
 * the engine API filters by org/project only, so the rest happens here.
 */
export function createPipelinePredicate(
  conditions: PermissionCriteria<PermissionCondition>,
  ruleset: PipelinePermissionRuleset,
): (resource: PipelineRef) => boolean {
  const evaluate = (
    criteria: PermissionCriteria<PermissionCondition>,
    resource: PipelineRef,
  ): boolean => {
    if (isAndCriteria(criteria)) {
      return criteria.allOf.every(c => evaluate(c, resource));
    }
    if (isOrCriteria(criteria)) {
      return criteria.anyOf.some(c => evaluate(c, resource));
    }
    if (isNotCriteria(criteria)) {
      return !evaluate(criteria.not, resource);
    }
    const rule = ruleset.getRuleByName(criteria.rule);
    return rule.apply(resource, criteria.params ?? {});
  };
  return resource => evaluate(conditions, resource);
}
