/**
 * A `UrlReader` for the pipeline engine's built-in git host, so the catalog
 * can read `catalog-info.yaml` from private repositories with a
 * plugin-to-plugin token.
 *
 * @packageDocumentation
 */
import { gitHostUrlReaderFactory } from './serviceFactory';

export {
  GitHostUrlReader,
  PIPELINE_ENGINE_PLUGIN_ID,
} from './GitHostUrlReader';
export type { GitHostUrlReaderOptions } from './GitHostUrlReader';
export { gitHostUrlReaderFactory };
export default gitHostUrlReaderFactory;
