// @ts-check

/**
 * The `Idempotency-Key` of the execute request that created an execution,
 * with the identity that sent it. The unique index makes a repeated key from
 * the same caller for the same pipeline fail to insert, so concurrent
 * duplicates yield one execution (the loser reads the winner back). Rows
 * without a key never conflict: NULLs are distinct in unique indexes on both
 * PostgreSQL and SQLite.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('executions', table => {
    table
      .string('idempotency_key', 255)
      .nullable()
      .comment('Idempotency-Key header of the execute request');
    table
      .text('idempotency_caller')
      .nullable()
      .comment('Identity that sent the Idempotency-Key');
    table.unique(
      [
        'org_identifier',
        'project_identifier',
        'pipeline_identifier',
        'idempotency_caller',
        'idempotency_key',
      ],
      { indexName: 'executions_idempotency_key_uq' },
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('executions', table => {
    table.dropUnique(
      [
        'org_identifier',
        'project_identifier',
        'pipeline_identifier',
        'idempotency_caller',
        'idempotency_key',
      ],
      'executions_idempotency_key_uq',
    );
    table.dropColumn('idempotency_key');
    table.dropColumn('idempotency_caller');
  });
};
