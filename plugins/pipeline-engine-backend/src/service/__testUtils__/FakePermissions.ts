import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type AuthorizePermissionRequest,
  type AuthorizePermissionResponse,
  type Permission,
  type PolicyDecision,
  type QueryPermissionRequest,
  type QueryPermissionResponse,
} from '@backstage/plugin-permission-common';
import { parsePipelineResourceRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createPipelinePredicate } from '../conditionFilter';
import { builtInPipelineRuleset } from '../permissionRules';

/** Decides one permission for one caller, like a PermissionPolicy. */
export type FakePolicy = (
  permission: Permission,
  credentials: BackstageCredentials,
) => PolicyDecision;

/**
 * A PermissionsService that runs a policy in process and, like the
 * permission backend, resolves conditional decisions on resource refs
 * with the pipeline rules. Records every permission asked about.
 */
export class FakePermissions implements PermissionsService {
  readonly asked: Array<{ permission: string; resourceRef?: string }> = [];

  constructor(
    public policy: FakePolicy = () => ({ result: AuthorizeResult.ALLOW }),
  ) {}

  async authorize(
    requests: AuthorizePermissionRequest[],
    options: { credentials: BackstageCredentials },
  ): Promise<AuthorizePermissionResponse[]> {
    return requests.map(request => {
      this.asked.push({
        permission: request.permission.name,
        resourceRef: request.resourceRef,
      });
      const decision = this.policy(request.permission, options.credentials);
      if (decision.result !== AuthorizeResult.CONDITIONAL) {
        return { result: decision.result };
      }
      const ref = request.resourceRef
        ? parsePipelineResourceRef(request.resourceRef)
        : undefined;
      const allowed =
        ref !== undefined &&
        createPipelinePredicate(
          decision.conditions,
          builtInPipelineRuleset(),
        )(ref);
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    });
  }

  async authorizeConditional(
    requests: QueryPermissionRequest[],
    options: { credentials: BackstageCredentials },
  ): Promise<QueryPermissionResponse[]> {
    return requests.map(request => {
      this.asked.push({ permission: request.permission.name });
      return this.policy(request.permission, options.credentials);
    });
  }
}
