import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type AuthService,
  type BackstageCredentials,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  PropertyOverride,
  SetPropertiesRequest,
  SetPropertiesResponse,
} from '../types';
import { PROPERTIES_PATH } from './createPropertiesHandler';

/**
 * Whose authority a request carries: credentials, or a raw Backstage token.
 *
 * @public
 */
export type PropertyOverridesRequestOptions =
  { credentials: BackstageCredentials } | { token: string };

/**
 * Client of the property overrides API the catalog module serves at
 * `/api/catalog/pipeline-engine/properties`; usable from any plugin.
 *
 * @public
 */
export interface CatalogPropertyOverridesService {
  /** Stores property values; the catalog shows them after the entities' next processing. */
  setProperties(
    request: SetPropertiesRequest,
    options: PropertyOverridesRequestOptions,
  ): Promise<SetPropertiesResponse>;
  /** The stored overrides of one entity. */
  listProperties(
    entityRef: string,
    options: PropertyOverridesRequestOptions,
  ): Promise<PropertyOverride[]>;
  /** Removes one stored override; the entity falls back to its source value. */
  removeProperty(
    entityRef: string,
    property: string,
    options: PropertyOverridesRequestOptions,
  ): Promise<void>;
}

class CatalogPropertyOverridesClient implements CatalogPropertyOverridesService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  private async call(
    method: string,
    query: string,
    options: PropertyOverridesRequestOptions,
    body?: unknown,
  ) {
    const token =
      'token' in options
        ? options.token
        : (
            await this.auth.getPluginRequestToken({
              onBehalfOf: options.credentials,
              targetPluginId: 'catalog',
            })
          ).token;
    const baseUrl = await this.discovery.getBaseUrl('catalog');
    const response = await fetch(`${baseUrl}${PROPERTIES_PATH}${query}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  async setProperties(
    request: SetPropertiesRequest,
    options: PropertyOverridesRequestOptions,
  ) {
    const response = await this.call('POST', '', options, request);
    return (await response.json()) as SetPropertiesResponse;
  }

  async listProperties(
    entityRef: string,
    options: PropertyOverridesRequestOptions,
  ) {
    const response = await this.call(
      'GET',
      `?entityRef=${encodeURIComponent(entityRef)}`,
      options,
    );
    return ((await response.json()) as { items: PropertyOverride[] }).items;
  }

  async removeProperty(
    entityRef: string,
    property: string,
    options: PropertyOverridesRequestOptions,
  ) {
    await this.call(
      'DELETE',
      `?entityRef=${encodeURIComponent(entityRef)}&property=${encodeURIComponent(property)}`,
      options,
    );
  }
}

/**
 * The property overrides API, as an HTTP client of the catalog module. The
 * overrides live in the catalog plugin's database; every other plugin
 * (such as the pipeline engine) reaches them through this client.
 *
 * @public
 */
export const catalogPropertyOverridesServiceRef =
  createServiceRef<CatalogPropertyOverridesService>({
    id: 'catalog.pipeline-engine.property-overrides',
    scope: 'plugin',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { discovery: coreServices.discovery, auth: coreServices.auth },
        factory: ({ discovery, auth }) =>
          new CatalogPropertyOverridesClient(discovery, auth),
      }),
  });
