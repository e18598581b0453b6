import type { NetworkPolicy } from '../../network';
import type {
  AuthService,
  DiscoveryService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createCreateCatalogStep } from './createCatalog';
import {
  createRegisterCatalogStep,
  type ResolveCatalogFileUrls,
} from './registerCatalog';
import { createUpdateCatalogPropertyStep } from './updateCatalogProperty';

export { createCreateCatalogStep } from './createCatalog';
export type { CreateCatalogStepOptions } from './createCatalog';
export { createRegisterCatalogStep } from './registerCatalog';
export type {
  CatalogFileUrlRequest,
  CatalogFileUrls,
  RegisterCatalogStepOptions,
  ResolveCatalogFileUrls,
} from './registerCatalog';
export { createUpdateCatalogPropertyStep } from './updateCatalogProperty';
export type { UpdateCatalogPropertyStepOptions } from './updateCatalogProperty';

/** Options of {@link createCatalogSteps}. */
export interface CatalogStepsOptions {
  /** The catalog, called with the engine's service credentials. */
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  /**
   * Reads `app.baseUrl`, `pipelineEngine.catalog.registerTimeout` and
   * `pipelineEngine.catalog.propertyTimeout`.
   */
  config: Config;
  /** Finds a repository file's URLs from a connector (RegisterCatalog). */
  resolveFileUrls: ResolveCatalogFileUrls;
  /** The network allow list RegisterCatalog URLs must pass; read from `config` when not given. */
  network?: NetworkPolicy;
  /** The readers the catalog reads with: RegisterCatalog checks its URL against them when an execution starts. */
  urlReader?: UrlReaderService;
}

/** The catalog steps: CreateCatalog, RegisterCatalog and UpdateCatalogProperty. */
export function createCatalogSteps(
  options: CatalogStepsOptions,
): StepHandler[] {
  return [
    createCreateCatalogStep({ config: options.config }),
    createRegisterCatalogStep(options),
    createUpdateCatalogPropertyStep(options),
  ];
}
