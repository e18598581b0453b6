// @ts-check

/**
 * Re-runs: an execution records the execution it re-runs and the stage it
 * starts from; node rows copied from the original (stages before that
 * stage, reused rather than run again) record where their results came from.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('executions', table => {
    table
      .uuid('rerun_of')
      .nullable()
      .comment(
        'Execution this one re-runs (its stages before rerun_from_stage are reused)',
      );
    table
      .text('rerun_from_stage')
      .nullable()
      .comment('Identifier of the first stage a re-run runs again');
    table.index(['rerun_of'], 'executions_rerun_of_idx');
  });
  await knex.schema.alterTable('node_executions', table => {
    table
      .uuid('reused_from')
      .nullable()
      .comment(
        'Execution whose run produced this node, when a re-run reused it',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('node_executions', table => {
    table.dropColumn('reused_from');
  });
  await knex.schema.alterTable('executions', table => {
    table.dropIndex(['rerun_of'], 'executions_rerun_of_idx');
    table.dropColumn('rerun_from_stage');
    table.dropColumn('rerun_of');
  });
};
