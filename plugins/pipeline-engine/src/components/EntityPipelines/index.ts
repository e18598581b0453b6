export { EntityPipelinesContent } from './EntityPipelinesContent';
export { EntityPipelinesCard } from './EntityPipelinesCard';
