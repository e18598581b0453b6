import {
  urlReaderFactoriesServiceRef,
  type ReaderFactory,
} from '@backstage/backend-defaults/urlReader';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  GitHostUrlReader,
  PIPELINE_ENGINE_PLUGIN_ID,
} from './GitHostUrlReader';

/**
 * Adds the built-in git host's {@link GitHostUrlReader} to every plugin's
 * `UrlReaderService` (`backend.add(import(...))`). Each plugin reads with
 * its own service token, so `backend.reading.allow` need not list the
 * backend's host for it.
 *
 * @public
 */
export const gitHostUrlReaderFactory = createServiceFactory({
  service: urlReaderFactoriesServiceRef,
  deps: { auth: coreServices.auth, discovery: coreServices.discovery },
  async factory({ auth, discovery }): Promise<ReaderFactory> {
    const reader = new GitHostUrlReader({
      externalGitBaseUrl: `${await discovery.getExternalBaseUrl(PIPELINE_ENGINE_PLUGIN_ID)}/git`,
      internalGitBaseUrl: `${await discovery.getBaseUrl(PIPELINE_ENGINE_PLUGIN_ID)}/git`,
      auth,
    });
    return () => [{ reader, predicate: url => reader.handles(url) }];
  },
});
