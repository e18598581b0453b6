// @ts-check

/**
 * What started an execution from a trigger: the webhook's JSON body, read
 * by pipelines as `<+trigger.payload.*>` (JSON text, like every JSON column).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('executions', table => {
    table
      .text('trigger_payload')
      .nullable()
      .comment('JSON body of the webhook call that started the execution');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('executions', table => {
    table.dropColumn('trigger_payload');
  });
};
