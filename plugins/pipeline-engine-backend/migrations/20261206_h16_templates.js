// @ts-check

/**
 * Harness templates (pipeline, stage, step group and step templates), one
 * row per version, and the template versions each execution ran with.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pipeline_templates', table => {
    table.comment('Versions of Harness templates');
    table
      .string('scope', 255)
      .notNullable()
      .comment('account, <org> or <org>.<project>');
    table.string('identifier', 128).notNullable();
    table.string('version_label', 64).notNullable();
    table.string('name', 255).notNullable();
    table
      .string('type', 32)
      .notNullable()
      .comment('Pipeline, Stage, StepGroup or Step');
    table.text('description').nullable();
    table
      .text('yaml')
      .notNullable()
      .comment('The template document as written');
    table
      .boolean('is_stable')
      .notNullable()
      .defaultTo(false)
      .comment('Used by references without versionLabel');
    table
      .text('source')
      .nullable()
      .comment('JSON {type, location} of a template read from config');
    table.text('created_by').nullable();
    table.text('updated_by').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['scope', 'identifier', 'version_label']);
  });
  await knex.schema.alterTable('executions', table => {
    table
      .text('template_versions')
      .nullable()
      .comment('JSON list of the template versions the execution ran');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('executions', table => {
    table.dropColumn('template_versions');
  });
  await knex.schema.dropTable('pipeline_templates');
};
