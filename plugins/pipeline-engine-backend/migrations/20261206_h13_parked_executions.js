// @ts-check

/**
 * Parked executions: an execution that waits for a person (approval,
 * manual intervention) or a queue turn holds no lease. It records why in
 * execution_waits and becomes claimable again when a wait is resolved
 * (wake_requested) or its earliest deadline passes (wake_at).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('executions', table => {
    table
      .timestamp('wake_at', { useTz: true })
      .nullable()
      .comment('Parked: claimable again from this time (earliest deadline)');
    table
      .boolean('wake_requested')
      .notNullable()
      .defaultTo(false)
      .comment('Parked: a wait was resolved (or an abort asked); claim now');
  });
  await knex.schema.createTable('execution_waits', table => {
    table.comment(
      'Why a parked execution waits: one row per waiting node (approval, intervention, queue)',
    );
    table.uuid('id').primary().notNullable();
    table
      .uuid('execution_id')
      .notNullable()
      .references('id')
      .inTable('executions')
      .onDelete('CASCADE');
    table.text('node_fqn').notNullable().comment('The node that waits');
    table
      .string('kind', 32)
      .notNullable()
      .comment('approval, intervention or queue');
    table
      .string('status', 16)
      .notNullable()
      .comment('Waiting, Approved, Rejected or Resolved');
    table.timestamp('deadline_at', { useTz: true }).nullable();
    table.text('payload').notNullable().comment('JSON: what the wait is for');
    table
      .text('resolution')
      .nullable()
      .comment('JSON: how it was resolved, read when the execution resumes');
    table.string('queue_key', 512).nullable().comment('Queue step: its key');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.unique(['execution_id', 'node_fqn'], {
      indexName: 'execution_waits_node_uq',
    });
    table.index(['kind', 'status'], 'execution_waits_kind_status_idx');
  });
  await knex.schema.createTable('approval_activities', table => {
    table.comment('Approve/reject actions on HarnessApproval waits');
    table.uuid('id').primary().notNullable();
    table
      .uuid('wait_id')
      .notNullable()
      .references('id')
      .inTable('execution_waits')
      .onDelete('CASCADE');
    table.text('user_ref').notNullable().comment('Entity ref of who acted');
    table.string('action', 16).notNullable().comment('APPROVE or REJECT');
    table.text('comments').nullable();
    table.text('approver_inputs').nullable().comment('JSON name → value');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['wait_id', 'user_ref'], {
      indexName: 'approval_activities_user_uq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('approval_activities');
  await knex.schema.dropTable('execution_waits');
  await knex.schema.alterTable('executions', table => {
    table.dropColumn('wake_requested');
    table.dropColumn('wake_at');
  });
};
