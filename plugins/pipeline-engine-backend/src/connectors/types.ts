import type { ConnectorType } from '@idp-pipelines/plugin-pipeline-engine-node';

// The connector types live in the node library: SCM provider factories of
// backend modules receive a ResolvedConnector.
export type {
  ConnectorAuth,
  ConnectorType,
  ConnectorUrlType,
  ResolvedConnector,
} from '@idp-pipelines/plugin-pipeline-engine-node';

/** Connector types, as Harness names them (`connectorType` of the IDP steps). */
export const CONNECTOR_TYPES = [
  'Github',
  'Gitlab',
  'Bitbucket',
  'AzureRepo',
  'Git',
  'Local',
] as const satisfies readonly ConnectorType[];
