import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
  type EntityPolicy,
  type KindValidator,
} from '@backstage/catalog-model';

/*
 * The checks the Backstage catalog runs on every entity after pre-processing
 * (its default policies and the validators of the built-in kinds), in one
 * place for whoever must refuse what the catalog would reject: the
 * CreateCatalog step before it writes a file, the catalog module before it
 * stores a property change.
 */

/**
 * The catalog's default entity policies.
 *
 * @public
 */
export const catalogEntityPolicy: EntityPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/**
 * The kinds of `backstage.io/v1alpha1` the catalog validates itself.
 *
 * @public
 */
export const BUILTIN_ENTITY_KINDS: readonly string[] = [
  'API',
  'Component',
  'Domain',
  'Group',
  'Location',
  'Resource',
  'System',
  'User',
];

/**
 * Validators of {@link BUILTIN_ENTITY_KINDS}.
 *
 * @public
 */
export const builtinKindValidators: readonly KindValidator[] = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
];

/**
 * The catalog's reason to reject `entity`, or undefined. Kinds the built-in
 * validators don't know are checked by the policies only.
 *
 * @public
 */
export async function catalogEntityProblem(
  entity: Entity,
): Promise<string | undefined> {
  try {
    await catalogEntityPolicy.enforce(entity);
    for (const validator of builtinKindValidators) {
      if (await validator.check(entity)) break;
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
