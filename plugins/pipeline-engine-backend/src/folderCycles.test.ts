import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// The package's top-level folders (engine/, service/, scm/...) form a layered
// graph: a cycle between two of them means neither can be read, tested or
// moved without the other. Test code and test helpers may cross freely.

const SRC = __dirname;
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === '__testUtils__' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** `engine` for src/engine/x.ts; undefined for a file directly in src/. */
function folderOf(path: string): string | undefined {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Edges between top-level folders, each with one import that makes it. */
function folderImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    if (!from) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(resolve(dirname(file), match[1]));
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const targets = edges.get(from)!;
      if (!targets.has(to))
        targets.set(to, `${relative(SRC, file)} imports ${match[1]}`);
    }
  }
  return edges;
}

/** Every cycle's folders (strongly connected components of size > 1). */
function folderCycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('folder structure of pipeline-engine-backend/src', () => {
  it('has no import cycles between top-level folders', () => {
    const edges = folderImports();
    expect(edges.get('service')?.has('engine')).toBe(true); // the scan sees imports
    const described = folderCycles(edges).map(cycle =>
      cycle
        .flatMap(from =>
          cycle
            .filter(to => edges.get(from)?.has(to))
            .map(to => `${from} -> ${to} (${edges.get(from)!.get(to)})`),
        )
        .join('; '),
    );
    expect(described).toEqual([]);
  });
});
