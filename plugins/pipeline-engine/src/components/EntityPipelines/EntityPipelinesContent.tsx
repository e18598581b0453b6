/** @public */
export function EntityPipelinesContent() {
  return <div>Pipelines</div>;
}
