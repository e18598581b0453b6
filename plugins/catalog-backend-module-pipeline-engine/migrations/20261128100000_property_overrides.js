// @ts-check

/*
 * Property overrides written by the pipeline engine's UpdateCatalogProperty
 * step and overlaid on entities by the module's catalog processor. The table
 * lives in the catalog plugin's database; this package keeps its own Knex
 * migrations table so the catalog's migration list is left alone.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('pipeline_engine_property_overrides', table => {
    table.comment(
      'Entity properties set by pipelines, overlaid during catalog processing',
    );
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lower-case entity ref, e.g. component:default/my-service');
    table
      .string('path', 512)
      .notNullable()
      .comment('Canonical property path, e.g. metadata.testCoverage');
    table.string('mode', 16).notNullable().comment('replace or append');
    table
      .text('value')
      .notNullable()
      .comment('JSON: the value set, or what append adds');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.text('updated_by').nullable().comment('Who made the change');
    table.primary(['entity_ref', 'path']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('pipeline_engine_property_overrides');
};
