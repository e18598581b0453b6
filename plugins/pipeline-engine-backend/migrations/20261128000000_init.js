// @ts-check

/*
 * Conventions shared by every table (the stores rely on them):
 * - JSON is kept in `text` columns and (de)serialized by the stores, so
 *   PostgreSQL and SQLite behave the same.
 * - Timestamps carry no column default: the stores always write the
 *   database clock themselves (PostgreSQL `now()`, SQLite epoch milliseconds),
 *   because SQLite's CURRENT_TIMESTAMP would mix text into numeric columns.
 * - Identifiers follow Harness (at most 128 characters); free text is `text`.
 */

const PIPELINE_KEY = ['org_identifier', 'project_identifier'];

/**
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function auditColumns(table) {
  table.text('created_by').nullable().comment('Who created the row');
  table.text('updated_by').nullable().comment('Who last updated the row');
  table.timestamp('created_at', { useTz: true }).notNullable();
  table.timestamp('updated_at', { useTz: true }).notNullable();
}

/**
 * Columns of a row that belongs to one pipeline, with a cascading foreign key.
 *
 * @param {import('knex').Knex.CreateTableBuilder} table
 */
function pipelineChildColumns(table) {
  table.string('org_identifier', 128).notNullable();
  table.string('project_identifier', 128).notNullable();
  table.string('pipeline_identifier', 128).notNullable();
  table
    .foreign([...PIPELINE_KEY, 'pipeline_identifier'])
    .references([...PIPELINE_KEY, 'identifier'])
    .inTable('pipelines')
    .onDelete('CASCADE');
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pipelines', table => {
    table.comment('Saved pipelines, one row per org/project/identifier');
    table.uuid('id').primary().notNullable();
    table.string('org_identifier', 128).notNullable();
    table.string('project_identifier', 128).notNullable();
    table.string('identifier', 128).notNullable();
    table.text('name').notNullable();
    table.text('description').nullable();
    table.text('tags').nullable().comment('JSON object of string tags');
    table.text('yaml').notNullable().comment('The pipeline YAML as written');
    table
      .integer('version')
      .notNullable()
      .defaultTo(1)
      .comment('Incremented on every update; used for optimistic locking');
    table
      .string('store_type', 16)
      .notNullable()
      .comment('INLINE (YAML kept here) or REMOTE (YAML mirrored from source)');
    table
      .string('source_type', 32)
      .nullable()
      .comment('Where a REMOTE or config-provided pipeline comes from');
    table.text('source_location').nullable();
    auditColumns(table);
    table.unique([...PIPELINE_KEY, 'identifier'], {
      indexName: 'pipelines_identifier_uq',
    });
  });

  await knex.schema.createTable('input_sets', table => {
    table.comment('Named runtime input values of a pipeline');
    table.uuid('id').primary().notNullable();
    pipelineChildColumns(table);
    table.string('identifier', 128).notNullable();
    table.text('name').notNullable();
    table.text('description').nullable();
    table.text('tags').nullable().comment('JSON object of string tags');
    table.text('yaml').notNullable().comment('The input set YAML as written');
    table.integer('version').notNullable().defaultTo(1);
    auditColumns(table);
    table.unique([...PIPELINE_KEY, 'pipeline_identifier', 'identifier'], {
      indexName: 'input_sets_identifier_uq',
    });
  });

  await knex.schema.createTable('triggers', table => {
    table.comment('Webhook and custom triggers of a pipeline');
    table.uuid('id').primary().notNullable();
    pipelineChildColumns(table);
    table.string('identifier', 128).notNullable();
    table.text('name').notNullable();
    table.text('description').nullable();
    table.string('type', 32).notNullable().comment('Webhook, Custom, ...');
    table.boolean('enabled').notNullable().defaultTo(true);
    table
      .text('input_set_refs')
      .notNullable()
      .comment('JSON array of input set identifiers');
    table.text('yaml').nullable().comment('The trigger YAML as written');
    table
      .string('webhook_token_hash', 64)
      .nullable()
      .unique({ indexName: 'triggers_webhook_token_hash_uq' })
      .comment(
        'SHA-256 hex of the webhook token; the token itself is never stored',
      );
    table.integer('version').notNullable().defaultTo(1);
    auditColumns(table);
    table.unique([...PIPELINE_KEY, 'pipeline_identifier', 'identifier'], {
      indexName: 'triggers_identifier_uq',
    });
  });

  await knex.schema.createTable('execution_sequences', table => {
    table.comment(
      'Per-pipeline execution counter; outlives pipeline deletion so numbers are never reused',
    );
    table.string('org_identifier', 128).notNullable();
    table.string('project_identifier', 128).notNullable();
    table.string('pipeline_identifier', 128).notNullable();
    table.integer('last_sequence_id').notNullable();
    table.primary(
      [...PIPELINE_KEY, 'pipeline_identifier'],
      'execution_sequences_pk',
    );
  });

  await knex.schema.createTable('executions', table => {
    table.comment(
      'Pipeline executions; also the work queue (status Queued) and lease table',
    );
    table.uuid('id').primary().notNullable();
    // No foreign key to pipelines: history survives pipeline deletion.
    table.string('org_identifier', 128).notNullable();
    table.string('project_identifier', 128).notNullable();
    table.string('pipeline_identifier', 128).notNullable();
    table.integer('pipeline_version').notNullable();
    table
      .text('pipeline_yaml')
      .notNullable()
      .comment('Snapshot of the YAML that runs, immune to later edits');
    table.integer('sequence_id').notNullable();
    table.string('status', 32).notNullable();
    table
      .text('inputs')
      .notNullable()
      .comment('JSON runtime inputs; secrets only as references');
    table
      .text('triggered_by')
      .notNullable()
      .comment('JSON {identity,name,email}');
    table.string('trigger_type', 32).notNullable();
    table.string('trigger_identifier', 128).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.boolean('abort_requested').notNullable().defaultTo(false);
    table.text('lease_owner').nullable().comment('Replica running it now');
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('heartbeat_at', { useTz: true }).nullable();
    table
      .integer('attempt')
      .notNullable()
      .defaultTo(0)
      .comment('How many times a replica claimed it (fencing token)');
    table
      .integer('recovery_count')
      .notNullable()
      .defaultTo(0)
      .comment('How many times it was taken over after a lease expired');
    table.text('error_message').nullable();
    table.text('outputs').nullable().comment('JSON pipeline outputs');
    table
      .bigInteger('log_seq')
      .notNullable()
      .defaultTo(0)
      .comment(
        'Last log sequence number handed out; row lock serializes appends',
      );
    table.unique([...PIPELINE_KEY, 'pipeline_identifier', 'sequence_id'], {
      indexName: 'executions_sequence_uq',
    });
    table.index(['status', 'created_at'], 'executions_queue_idx');
    table.index(['status', 'lease_expires_at'], 'executions_lease_idx');
    table.index([...PIPELINE_KEY, 'created_at'], 'executions_project_idx');
  });

  await knex.schema.createTable('node_executions', table => {
    table.comment('State of every stage, step group and step of an execution');
    table.uuid('id').primary().notNullable();
    table
      .uuid('execution_id')
      .notNullable()
      .references('id')
      .inTable('executions')
      .onDelete('CASCADE');
    table.text('fqn').notNullable().comment('Fully qualified node name');
    table.text('parent_fqn').nullable();
    table
      .string('node_type', 16)
      .notNullable()
      .comment('stage, step, stepGroup, parallel or strategy');
    table.text('identifier').notNullable();
    table.text('name').notNullable();
    table.text('step_type').nullable();
    table.string('status', 32).notNullable();
    table.integer('attempt').notNullable().defaultTo(1);
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.text('outputs').nullable().comment('JSON of the non-secret outputs');
    table
      .text('secret_outputs')
      .nullable()
      .comment(
        'JSON of secret outputs: markers or ciphertext, never clear text',
      );
    table.text('error_message').nullable();
    table.string('failure_type', 64).nullable();
    table
      .boolean('idempotent')
      .notNullable()
      .defaultTo(false)
      .comment('Whether the node may be re-run safely after a crash');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['execution_id', 'fqn'], {
      indexName: 'node_executions_fqn_uq',
    });
    table.index(['execution_id', 'status'], 'node_executions_status_idx');
  });

  await knex.schema.createTable('execution_logs', table => {
    table.comment('Append-only log lines of an execution');
    table
      .uuid('execution_id')
      .notNullable()
      .references('id')
      .inTable('executions')
      .onDelete('CASCADE');
    table
      .bigInteger('seq')
      .notNullable()
      .comment('Gap-free, increasing per execution; the read cursor');
    table.text('node_fqn').nullable();
    table.string('stream', 16).notNullable().comment('stdout, stderr or info');
    table.text('line').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['execution_id', 'seq'], 'execution_logs_pk');
    table.index(['execution_id', 'node_fqn', 'seq'], 'execution_logs_node_idx');
  });

  await knex.schema.createTable('execution_config_overrides', table => {
    table.comment('Overrides for the Harness execution-config API');
    table.string('infra', 8).notNullable().comment('K8 or VM');
    table.string('field', 128).notNullable();
    table.text('value').notNullable();
    table.text('updated_by').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['infra', 'field'], 'execution_config_overrides_pk');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  // Children first so foreign keys never block the drop.
  await knex.schema.dropTable('execution_config_overrides');
  await knex.schema.dropTable('execution_logs');
  await knex.schema.dropTable('node_executions');
  await knex.schema.dropTable('executions');
  await knex.schema.dropTable('execution_sequences');
  await knex.schema.dropTable('triggers');
  await knex.schema.dropTable('input_sets');
  await knex.schema.dropTable('pipelines');
};
