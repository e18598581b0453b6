import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  PIPELINE_RESOURCE_TYPE,
  secretUsePermission,
  stringifyPipelineResourceRef,
  type PipelineRef,
  type PipelineResourcePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Request } from 'express';
import { createPipelinePredicate } from './conditionFilter';
import type { PipelinePermissionRuleset } from './permissionRules';
import type { Actor } from './types';

/** Any route's request, whatever its typed params, query and body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRequest = Request<any, any, any, any, any>;

/** Credentials of a signed-in user or a calling backend service. */
export type CallerCredentials = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/**
 * Which pipelines a caller may see in a list: `undefined` means all of
 * them, otherwise only those the predicate accepts.
 */
export type PipelineVisibility = ((ref: PipelineRef) => boolean) | undefined;

/** Authentication and authorization of router requests. */
export class RequestAuth {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
    private readonly ruleset: PipelinePermissionRuleset,
  ) {}

  /** The caller; AuthenticationError (401) without a user or service token. */
  credentials(req: AnyRequest): Promise<CallerCredentials> {
    return this.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /** Throws NotAllowedError (403) unless `permission` is granted on `ref`. */
  async requirePipeline(
    permission: PipelineResourcePermission,
    ref: PipelineRef,
    credentials: CallerCredentials,
  ): Promise<void> {
    const resourceRef = stringifyPipelineResourceRef(ref);
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${permission.name} is not allowed on pipeline ${resourceRef}`,
      );
    }
  }

  /** Throws NotAllowedError (403) unless the basic `permission` is granted. */
  async require(
    permission: BasicPermission,
    credentials: CallerCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`${permission.name} is not allowed`);
    }
  }

  /** Of `secretIds`, those the caller may not use (`pipeline-engine.secret.use`). */
  async deniedSecrets(
    secretIds: readonly string[],
    credentials: CallerCredentials,
  ): Promise<string[]> {
    if (secretIds.length === 0) return [];
    const decisions = await this.permissions.authorize(
      secretIds.map(resourceRef => ({
        permission: secretUsePermission,
        resourceRef,
      })),
      { credentials },
    );
    return secretIds.filter(
      (_, index) => decisions[index].result !== AuthorizeResult.ALLOW,
    );
  }

  /**
   * For list routes: which pipelines the caller may see under `permission`.
   * NotAllowedError (403) when the policy denies it outright.
   */
  async visibility(
    permission: PipelineResourcePermission,
    credentials: CallerCredentials,
  ): Promise<PipelineVisibility> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) {
      return undefined;
    }
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      throw new NotAllowedError(`${permission.name} is not allowed`);
    }
    if (decision.resourceType !== PIPELINE_RESOURCE_TYPE) {
      // A policy bug; failing closed beats guessing.
      throw new NotAllowedError(
        `${permission.name}: conditions are for '${decision.resourceType}', not '${PIPELINE_RESOURCE_TYPE}'`,
      );
    }
    return createPipelinePredicate(decision.conditions, this.ruleset);
  }
}

/** Who the caller is, as recorded on what it creates or starts. */
export function actorOf(credentials: CallerCredentials): Actor {
  const principal = credentials.principal;
  return {
    identity:
      principal.type === 'user' ? principal.userEntityRef : principal.subject,
  };
}
