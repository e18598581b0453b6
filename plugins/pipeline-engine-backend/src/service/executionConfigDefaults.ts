import { InputError } from '@backstage/errors';
import {
  EXECUTION_CONFIG_FIELDS,
  type ExecutionConfigData,
  type ExecutionConfigField,
  type ExecutionConfigInfra,
} from '@idp-pipelines/plugin-pipeline-engine-node';

/*
 * Default step images of Harness's execution-config API. The tags are the
 * ones idp-stage.md shows for `get-default-config`; createResource and
 * updateCatalogProperty are not in that example and follow its pattern.
 * Harness documents no VM-specific images, so VM uses the same ones.
 */
const DEFAULT_IMAGES: Record<ExecutionConfigField, string> = {
  cookieCutter: 'harness/cookiecutter:1.9.1',
  createRepo: 'harness/createrepo:1.9.0',
  directPush: 'harness/directpush:1.9.0',
  registerCatalog: 'harness/registercatalog:1.9.0',
  createCatalog: 'harness/createcatalog:1.9.0',
  slackNotify: 'harness/slacknotify:1.9.0',
  createOrganisation: 'harness/createorganisation:1.9.0',
  createProject: 'harness/createproject:1.9.0',
  createResource: 'harness/createresource:1.9.0',
  updateCatalogProperty: 'harness/updatecatalogproperty:1.9.0',
};

/** Default images by infrastructure kind. */
export const DEFAULT_EXECUTION_CONFIG: Record<
  ExecutionConfigInfra,
  Record<ExecutionConfigField, string>
> = {
  K8: DEFAULT_IMAGES,
  VM: DEFAULT_IMAGES,
};

/** Throws InputError unless `infra` is K8 or VM. */
export function assertExecutionInfra(
  infra: string,
): asserts infra is ExecutionConfigInfra {
  if (infra !== 'K8' && infra !== 'VM') {
    throw new InputError(`Invalid infra '${infra}': expected K8 or VM`);
  }
}

/** Throws InputError naming the allowed fields unless all are known. */
export function assertExecutionConfigFields(
  fields: ReadonlyArray<string>,
): asserts fields is ReadonlyArray<ExecutionConfigField> {
  const unknown = fields.filter(
    field => !(EXECUTION_CONFIG_FIELDS as readonly string[]).includes(field),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown execution-config field${unknown.length > 1 ? 's' : ''} ${unknown
        .map(f => `'${f}'`)
        .join(', ')}; allowed fields are ${EXECUTION_CONFIG_FIELDS.join(', ')}`,
    );
  }
}

/** Orders config data by the canonical field order. */
export function toExecutionConfigData(
  values: ReadonlyMap<string, string>,
): ExecutionConfigData {
  const data: ExecutionConfigData = {};
  for (const field of EXECUTION_CONFIG_FIELDS) {
    const value = values.get(field);
    if (value !== undefined) {
      data[field] = value;
    }
  }
  return data;
}
