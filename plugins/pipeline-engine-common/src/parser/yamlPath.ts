/**
 * One segment of a path into a YAML document: a map key or a list index.
 *
 * @public
 */
export type PathSegment = string | number;

/**
 * A path into a YAML document, from the root.
 *
 * @public
 */
export type YamlPath = readonly PathSegment[];

/**
 * Renders a path the way problems show it:
 * `pipeline.stages[0].stage.spec.execution.steps[2].step.identifier`.
 *
 * @public
 */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
      out += out ? `.${segment}` : segment;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out || '(document)';
}

/**
 * Parses a path rendered by {@link formatYamlPath} back into segments.
 *
 * @public
 */
export function parseYamlPath(text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of text.matchAll(re)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
