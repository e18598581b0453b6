/**
 * A JSON value, as stored for a property override.
 *
 * @public
 */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON object.
 *
 * @public
 */
export type JsonObject = { [key: string]: JsonValue };

/**
 * How an override changes a property: `replace` sets the value, `append`
 * adds to a list (items not already present) or to a map (keys).
 *
 * @public
 */
export type PropertyMode = 'replace' | 'append';

/**
 * One property to set on one entity.
 *
 * @public
 */
export interface PropertyUpdate {
  /**
   * Entity ref such as `component:default/my-service`. A bare name means a
   * Component in the default namespace, as in Harness.
   */
  entityRef: string;
  /**
   * Dot path below `metadata` or `spec`, e.g. `metadata.testCoverage`;
   * Harness's `<+metadata.testCoverage>` wrapping is accepted. Keys holding
   * dots are quoted: `metadata.annotations["example.com/owner"]`.
   */
  property: string;
  /** The new value (`replace`) or what to add (`append`). */
  value: JsonValue;
  /** Default `replace`. */
  mode?: PropertyMode;
}

/**
 * Body of `POST /api/catalog/pipeline-engine/properties`.
 *
 * @public
 */
export interface SetPropertiesRequest {
  /** Applied together: if one is rejected, none is stored. */
  updates: PropertyUpdate[];
  /**
   * Who the change is made for, recorded as `updated_by`. Honoured only for
   * service callers (e.g. the pipeline engine acting for the user who
   * started a pipeline); a user caller is always recorded as themselves.
   */
  actor?: string;
}

/**
 * What one update resolved to.
 *
 * @public
 */
export interface PropertyUpdateResult {
  /** Normalized entity ref (`component:default/my-service`). */
  entityRef: string;
  /** Normalized property path. */
  property: string;
  /** The path's segments. */
  path: string[];
  mode: PropertyMode;
  /**
   * The property's value once the catalog has reprocessed the entity,
   * computed from the entity as the catalog served it at write time.
   */
  expected: JsonValue;
}

/**
 * Response of `POST /api/catalog/pipeline-engine/properties`.
 *
 * @public
 */
export interface SetPropertiesResponse {
  results: PropertyUpdateResult[];
}

/**
 * A stored override.
 *
 * @public
 */
export interface PropertyOverride {
  entityRef: string;
  property: string;
  mode: PropertyMode;
  /** The value set (`replace`) or added (`append`). */
  value: JsonValue;
  /** ISO 8601 timestamp. */
  updatedAt: string;
  updatedBy?: string;
}
