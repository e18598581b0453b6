// @ts-check

/**
 * Step processes running on a replica: one row per process group (local
 * runner) or container (container runner), removed when it ends. A replica
 * that starts with the same instance id kills what its crashed predecessor
 * left behind before it resumes the interrupted executions.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('step_processes', table => {
    table.comment(
      'Step process groups and containers, so a restarted replica can kill its leftovers',
    );
    table.string('id', 36).primary().comment('Random id of the row');
    table
      .string('instance_id', 200)
      .notNullable()
      .comment(
        'pipelineEngine.worker.instanceId of the replica that started it',
      );
    table
      .string('boot_id', 64)
      .nullable()
      .comment('Linux boot id: start times count from this boot');
    table
      .integer('pgid')
      .nullable()
      .comment('Process group id (= pid of its leader)');
    table
      .string('start_time', 32)
      .nullable()
      .comment(
        "Leader's start time in clock ticks since boot (/proc/<pid>/stat field 22)",
      );
    table
      .string('container_name', 200)
      .nullable()
      .comment('Container started by the step, removed by name');
    table
      .text('container_command')
      .nullable()
      .comment('docker-compatible CLI that started the container');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['instance_id'], 'step_processes_instance_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('step_processes');
};
