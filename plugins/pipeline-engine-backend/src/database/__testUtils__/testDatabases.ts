import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import {
  createPipelineEngineStores,
  PipelineEngineStores,
} from '../createStores';
import { SecretCipher } from '../secretCipher';
import { NewExecution } from '../ExecutionStore';
import { PipelineKey } from '../types';

/** The engines every database test runs on. */
export const TEST_DATABASE_IDS: TestDatabaseId[] = ['POSTGRES_15', 'SQLITE_3'];

/** One TestDatabases per test file, always for the same engines. */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: TEST_DATABASE_IDS });
}

/**
 * Whether this run must include PostgreSQL: it is configured, or we are in
 * CI. Skipping it silently there would hide PostgreSQL-only bugs (locking).
 */
export function postgresExpected(): boolean {
  const ci = process.env.CI;
  return (
    Boolean(process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) ||
    (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0')
  );
}

/** A fresh database with all stores on it. */
export async function initStores(
  databases: TestDatabases,
  id: TestDatabaseId,
  options: { secretCipher?: SecretCipher } = {},
): Promise<{ knex: Knex; stores: PipelineEngineStores }> {
  const knex = await databases.init(id);
  const stores = await createPipelineEngineStores({
    database: mockServices.database({ knex }),
    secretCipher: options.secretCipher,
  });
  return { knex, stores };
}

/**
 * Extra clients on the same database, each with its own pool, standing in
 * for separate backend replicas. SQLite's in-memory database cannot be
 * shared, so there every "replica" is the one client.
 */
export function replicaClients(
  knex: Knex,
  count: number,
): { clients: Knex[]; destroy: () => Promise<void> } {
  if (knex.client.dialect !== 'postgresql') {
    return { clients: Array(count).fill(knex), destroy: async () => {} };
  }
  const clients = Array.from({ length: count }, () =>
    knexFactory({
      client: knex.client.config.client,
      connection: knex.client.config.connection,
      pool: { min: 0, max: 5 },
    }),
  );
  return {
    clients,
    destroy: async () => {
      await Promise.all(clients.map(c => c.destroy()));
    },
  };
}

/** The pipeline most tests work on. */
export const PIPELINE: PipelineKey = {
  orgIdentifier: 'default',
  projectIdentifier: 'platform',
  pipelineIdentifier: 'create_service',
};

/** A minimal pipeline YAML. */
export const PIPELINE_YAML = `pipeline:
  name: Create service
  identifier: create_service
  orgIdentifier: default
  projectIdentifier: platform
  stages: []
`;

/** Enqueue input for PIPELINE with sensible defaults. */
export function newExecution(
  overrides: Partial<NewExecution> = {},
): NewExecution {
  return {
    ...PIPELINE,
    pipelineVersion: 1,
    pipelineYaml: PIPELINE_YAML,
    inputs: {},
    triggeredBy: { identity: 'user:default/jane', name: 'Jane' },
    triggerType: 'MANUAL',
    ...overrides,
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
