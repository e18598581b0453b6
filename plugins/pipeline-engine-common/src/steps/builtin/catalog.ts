import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import { booleanValue, jsonList, textValue } from '../fields';

/** Resolved spec of {@link createCatalogStepDefinition}. @public */
export interface CreateCatalogStepSpec {
  fileName: string;
  filePath?: string;
  fileContent: string;
}

/** `CreateCatalog`: validates entities and writes a catalog-info.yaml into the workspace. @public */
export const createCatalogStepDefinition: StepDefinition<CreateCatalogStepSpec> =
  defineStep({
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

/** Resolved spec of {@link registerCatalogStepDefinition}. @public */
export interface RegisterCatalogStepSpec {
  connectorRef?: string;
  connectorType?: string;
  organization?: string;
  repository?: string;
  branch?: string;
  filePath: string;
  workspace?: string;
  project?: string;
  xApiKey?: string;
  /** Extension: wait until the catalog serves the entities. */
  waitForEntities?: boolean;
}

/** `RegisterCatalog`: registers a catalog-info.yaml location in the Backstage catalog. @public */
export const registerCatalogStepDefinition: StepDefinition<RegisterCatalogStepSpec> =
  defineStep({
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

/** How an UpdateCatalogProperty value is written. @public */
export type CatalogPropertyMode = 'replace' | 'append';

/** Resolved spec of {@link updateCatalogPropertyStepDefinition}. @public */
export interface UpdateCatalogPropertyStepSpec {
  /** `Entity`: properties of one entity; `Property`: one property of several entities. */
  type?: string;
  entityRef?: string;
  property?: string;
  value?: unknown;
  entityRefs?: Array<{
    entityRef: string;
    value?: unknown;
    [key: string]: unknown;
  }>;
  properties?: Array<{
    property: string;
    value?: unknown;
    mode?: CatalogPropertyMode;
    [key: string]: unknown;
  }>;
  mode?: CatalogPropertyMode;
  xApiKey?: string;
}

/** `UpdateCatalogProperty`: updates properties of catalog entities. @public */
export const updateCatalogPropertyStepDefinition: StepDefinition<UpdateCatalogPropertyStepSpec> =
  defineStep({
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
