// @ts-check

/**
 * When a Scheduled trigger fires next, in epoch milliseconds. Replicas claim
 * an occurrence by moving this value forward with a compare-and-set, so each
 * occurrence fires on exactly one replica.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('triggers', table => {
    table
      .bigInteger('next_fire_at_ms')
      .nullable()
      .comment('Next occurrence of an enabled Scheduled trigger (epoch ms)');
    table.index(['next_fire_at_ms'], 'triggers_next_fire_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('triggers', table => {
    table.dropIndex(['next_fire_at_ms'], 'triggers_next_fire_idx');
    table.dropColumn('next_fire_at_ms');
  });
};
