import {
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  type Entity,
} from '@backstage/catalog-model';
import type {
  CatalogProcessor,
  LocationSpec,
} from '@backstage/plugin-catalog-node';

/**
 * Gives entities registered from the pipeline engine's built-in git host
 * (`<engine>/git/<org>/<repo>/raw/<ref>/<path>`) the annotations the
 * catalog sets for SCM integrations it knows — which the built-in host is
 * not: `backstage.io/source-location` (the folder of the file, so "View
 * source" works) and `backstage.io/view-url` (the file's page rather than
 * its raw content). Values the entity sets itself are kept.
 */
export class GitHostLocationProcessor implements CatalogProcessor {
  constructor(private readonly gitBaseUrl: () => Promise<string>) {}

  getProcessorName(): string {
    return 'PipelineEngineGitHostLocationProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
  ): Promise<Entity> {
    if (location.type !== 'url') return entity;
    const base = (await this.gitBaseUrl()).replace(/\/+$/, '');
    if (!location.target.startsWith(`${base}/`)) return entity;
    const match = /^([^/?#]+)\/([^/?#]+)\/(?:raw|blob)\/([^?#]+)$/.exec(
      location.target.slice(base.length + 1),
    );
    if (!match) return entity;
    const [, organization, repository, refAndPath] = match;
    const repo = `${base}/${organization}/${repository}`;
    const folder = refAndPath.slice(0, refAndPath.lastIndexOf('/') + 1);
    const annotations = { ...entity.metadata.annotations };
    if (!annotations[ANNOTATION_SOURCE_LOCATION]) {
      annotations[ANNOTATION_SOURCE_LOCATION] = `url:${repo}/tree/${folder}`;
    }
    // The catalog's own default is the location itself (the raw file).
    if (
      !annotations[ANNOTATION_VIEW_URL] ||
      annotations[ANNOTATION_VIEW_URL] === location.target
    ) {
      annotations[ANNOTATION_VIEW_URL] = `${repo}/blob/${refAndPath}`;
    }
    return { ...entity, metadata: { ...entity.metadata, annotations } };
  }
}
