import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';

/**
 * A backend (`createBackend()` of backend-defaults) whose root config is
 * `config`, given as an object so that no app-config file is read, with
 * `features` added; not started. Used by the child backend of the crash
 * tests and by the benches.
 */
export function createConfiguredBackend(
  config: ConstructorParameters<typeof ConfigReader>[0],
  context: string,
  features: BackendFeature[],
) {
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config, context),
    }),
  );
  for (const feature of features) backend.add(feature);
  return backend;
}
