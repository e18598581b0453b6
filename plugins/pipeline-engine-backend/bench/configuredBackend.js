/*
 * The benchmarks' in-process backend: Backstage's createBackend() with its
 * root config given as an object (no app-config files are read) and the
 * features given, not started. Requires the TypeScript loader (the bench
 * scripts register it first).
 */
'use strict';

/** A backend whose root config is `config`, with `features` added. */
function createConfiguredBackend(config, features) {
  const { createBackend } = require('@backstage/backend-defaults');
  const {
    createServiceFactory,
    coreServices,
  } = require('@backstage/backend-plugin-api');
  const { ConfigReader } = require('@backstage/config');
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config, 'bench'),
    }),
  );
  for (const feature of features) backend.add(feature);
  return backend;
}

module.exports = { createConfiguredBackend };
