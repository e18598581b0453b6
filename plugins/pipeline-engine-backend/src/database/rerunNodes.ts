import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { NodeExecutionRow } from './nodeExecutionRows';

/** What makes a new execution a re-run, for {@link ExecutionStore.enqueue}. */
export interface RerunLink {
  /** The execution re-run. */
  of: string;
  /** Identifier of the first stage that runs again. */
  fromStage: string;
  /**
   * Identifiers of the stages whose nodes are copied from the original,
   * finished, so the executor reuses them instead of running them.
   */
  reusedStages: string[];
}

/**
 * The nodes of the given top-level stages (a looped stage includes its
 * iterations) and everything below them.
 */
function subtreesOf(
  rows: NodeExecutionRow[],
  stageIds: string[],
): NodeExecutionRow[] {
  const roots = new Set(stageIds.map(id => `pipeline.stages.${id}`));
  const children = new Map<string, NodeExecutionRow[]>();
  for (const row of rows) {
    const parent = row.parent_fqn ?? '';
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const picked: NodeExecutionRow[] = [];
  const visit = (row: NodeExecutionRow) => {
    picked.push(row);
    for (const child of children.get(row.fqn) ?? []) visit(child);
  };
  for (const row of rows) {
    if (roots.has(row.fqn)) visit(row);
  }
  return picked;
}

/**
 * Copies the reused stages' node rows of `link.of` into `executionId`
 * verbatim: statuses, outputs, and secret outputs as stored (ciphertext or
 * markers — never decrypted on the way), each marked with the execution
 * that produced it.
 */
export async function copyReusedNodes(
  tx: Knex.Transaction,
  executionId: string,
  link: RerunLink,
): Promise<void> {
  if (link.reusedStages.length === 0) return;
  const rows = await tx<NodeExecutionRow>('node_executions').where({
    execution_id: link.of,
  });
  const copies = subtreesOf(rows, link.reusedStages).map(row => ({
    ...row,
    id: randomUUID(),
    execution_id: executionId,
    reused_from: row.reused_from ?? link.of,
  }));
  // Small batches: SQLite caps the number of bound parameters per statement.
  for (let i = 0; i < copies.length; i += 40) {
    await tx('node_executions').insert(copies.slice(i, i + 40));
  }
}
