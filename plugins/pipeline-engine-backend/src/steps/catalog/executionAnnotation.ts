import { isMap, parseAllDocuments } from 'yaml';

/**
 * Annotation recording the executions that created or changed an entity:
 * execution ids separated by commas, newest last (the frontend plugin's
 * entity "Pipelines" tab lists them).
 */
export const EXECUTION_ANNOTATION = 'idp-pipelines.io/execution';

/** How many execution ids an entity keeps (the oldest are dropped). */
const MAX_RECORDED = 20;

/** `value` with `executionId` added last, unless it is already there. */
export function withExecution(
  value: string | undefined,
  executionId: string,
): string {
  const ids = (value ?? '').split(/[,\s]+/).filter(Boolean);
  if (!ids.includes(executionId)) ids.push(executionId);
  return ids.slice(-MAX_RECORDED).join(',');
}

/**
 * Adds `executionId` to {@link EXECUTION_ANNOTATION} of every entity
 * document of a catalog file, keeping the rest of the text (comments,
 * order, style) as written.
 */
export function annotateCatalogFile(
  content: string,
  executionId: string,
): string {
  const documents = parseAllDocuments(content);
  if (!Array.isArray(documents)) return content;
  return documents
    .map((document, index) => {
      const metadata = document.get('metadata');
      if (isMap(metadata)) {
        const path = ['metadata', 'annotations', EXECUTION_ANNOTATION];
        const current = document.getIn(path);
        document.setIn(
          path,
          withExecution(
            typeof current === 'string' ? current : undefined,
            executionId,
          ),
        );
      }
      const text = document.toString();
      return index > 0 && !text.startsWith('---') ? `---\n${text}` : text;
    })
    .join('');
}
