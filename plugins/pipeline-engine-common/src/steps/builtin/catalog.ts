import { z } from 'zod';
import { defineStep } from '../defineStep';
import { booleanValue, jsonList, textValue } from '../fields';

/** `CreateCatalog`: validates entities and writes a catalog-info.yaml into the workspace. @public */
export const createCatalogStepDefinition = defineStep({
  type: 'CreateCatalog',
  description: 'writes a validated catalog-info.yaml into the workspace',
  idempotent: true,
  spec: z.object({
    fileName: textValue,
    filePath: textValue.optional(),
    fileContent: z.string(),
  }),
  outputs: () => ['registeredCatalogUrl'],
});

/** `RegisterCatalog`: registers a catalog-info.yaml location in the Backstage catalog. @public */
export const registerCatalogStepDefinition = defineStep({
  type: 'RegisterCatalog',
  description:
    'registers a catalog-info.yaml location in the Backstage catalog',
  idempotent: true,
  spec: z.object({
    connectorRef: textValue.optional(),
    // Checked against the connector at run time, where a mismatch is only warned about.
    connectorType: textValue.optional(),
    organization: textValue.optional(),
    repository: textValue.optional(),
    branch: textValue.optional(),
    filePath: textValue,
    workspace: textValue.optional(),
    project: textValue.optional(),
    xApiKey: textValue.optional(),
    /** Extension: wait until the catalog serves the entities (a later step reads them). */
    waitForEntities: booleanValue.optional(),
  }),
  outputs: () => ['catalogInfoUrl', 'entityRef'],
});

const mode = z.enum(['replace', 'append']);

/** `UpdateCatalogProperty`: updates properties of catalog entities. @public */
export const updateCatalogPropertyStepDefinition = defineStep({
  type: 'UpdateCatalogProperty',
  description: 'updates properties of catalog entities',
  idempotent: true,
  spec: z.object({
    /** `Entity`: properties of one entity; `Property`: one property of several entities. */
    type: textValue.optional(),
    entityRef: textValue.optional(),
    property: textValue.optional(),
    value: z.unknown().optional(),
    entityRefs: jsonList(
      z
        .object({ entityRef: textValue, value: z.unknown().optional() })
        .passthrough(),
    ).optional(),
    properties: jsonList(
      z
        .object({
          property: textValue,
          value: z.unknown().optional(),
          mode: mode.optional(),
        })
        .passthrough(),
    ).optional(),
    mode: mode.optional(),
    xApiKey: textValue.optional(),
  }),
  // Harness names a property as an expression (`<+metadata.x>`): read unrendered.
  deferredFields: ['property', 'properties.*.property'],
  outputs: () => [],
});
