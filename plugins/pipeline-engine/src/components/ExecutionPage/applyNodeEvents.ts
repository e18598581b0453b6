import type { NodeExecutionView } from '@idp-pipelines/plugin-pipeline-engine-common';

/** A node as the status stream sends it: without its children. */
export type NodeUpdate = Omit<NodeExecutionView, 'children'>;

const ROOT = '';

function patchLevel(
  nodes: NodeExecutionView[],
  parentFqn: string,
  updates: Map<string, NodeUpdate>,
  addedByParent: Map<string, NodeUpdate[]>,
): NodeExecutionView[] {
  let changed = false;
  const present = new Set<string>();
  const next = nodes.map(node => {
    present.add(node.fqn);
    const update = updates.get(node.fqn);
    const children = patchLevel(
      node.children,
      node.fqn,
      updates,
      addedByParent,
    );
    if (!update && children === node.children) return node;
    changed = true;
    return { ...node, ...update, children };
  });
  for (const added of addedByParent.get(parentFqn) ?? []) {
    if (present.has(added.fqn)) continue;
    changed = true;
    next.push({
      ...added,
      children: patchLevel([], added.fqn, updates, addedByParent),
    });
  }
  return changed ? next : nodes;
}

/**
 * The tree with the streamed node updates applied: a known node takes the
 * new fields and keeps its children; a new one is appended under its
 * parent. Untouched subtrees keep their identity, so their rows do not
 * re-render.
 */
export function applyNodeEvents(
  nodes: NodeExecutionView[],
  updates: NodeUpdate[],
): NodeExecutionView[] {
  if (updates.length === 0) return nodes;
  const byFqn = new Map(updates.map(update => [update.fqn, update]));
  const addedByParent = new Map<string, NodeUpdate[]>();
  for (const update of byFqn.values()) {
    const parent = update.parentFqn ?? ROOT;
    addedByParent.set(parent, [...(addedByParent.get(parent) ?? []), update]);
  }
  return patchLevel(nodes, ROOT, byFqn, addedByParent);
}
