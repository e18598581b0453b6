import type { ExecutionStore, JsonObject, NodeExecution, NodeExecutionInput, NodeStatusUpdate } from '../../database';
import { isTerminalNodeStatus } from '../../database';
import type { SecretMasker } from '../secretMasker';

/**
 * Persists node state before and after every node. Knows the nodes stored
 * by an earlier run of the same execution, so a recovered execution reuses
 * finished nodes instead of running them again.
 */
export class NodeRecorder {
  readonly #previous: Map<string, NodeExecution>;
  #frozen = false;
  /** Nodes this run started and has not finished. */
  readonly #open = new Set<string>();

  constructor(
    private readonly store: ExecutionStore,
    private readonly executionId: string,
    private readonly ownerId: string,
    private readonly masker: SecretMasker,
    previous: NodeExecution[],
  ) {
    this.#previous = new Map(previous.map(n => [n.fqn, n]));
  }

  /** The node as an earlier run left it, if it finished. */
  finished(fqn: string): NodeExecution | undefined {
    const node = this.#previous.get(fqn);
    return node && isTerminalNodeStatus(node.status) ? node : undefined;
  }

  /** The node as an earlier run left it, if it was running when that run stopped. */
  interrupted(fqn: string): NodeExecution | undefined {
    const node = this.#previous.get(fqn);
    return node && !isTerminalNodeStatus(node.status) && node.status !== 'NotStarted' ? node : undefined;
  }

  /** Every node an earlier run finished. */
  allFinished(): NodeExecution[] {
    return [...this.#previous.values()].filter(n => isTerminalNodeStatus(n.status));
  }

  /** Records a node as started (or in another state, e.g. Skipped). */
  async start(node: NodeExecutionInput): Promise<void> {
    if (this.#frozen) return;
    await this.store.upsertNode(this.executionId, this.ownerId, this.clean(node));
    this.track(node.fqn, node.status);
  }

  /** Records a node's new state. */
  async update(fqn: string, update: NodeStatusUpdate): Promise<void> {
    if (this.#frozen) return;
    await this.store.updateNodeStatus(this.executionId, this.ownerId, fqn, this.clean(update));
    this.track(fqn, update.status);
  }

  /**
   * Fails every node this run left open (e.g. the stage around an
   * interrupted step), so nothing stays Running after the execution ends.
   */
  async failOpen(errorMessage: string): Promise<void> {
    for (const fqn of [...this.#open].reverse()) {
      await this.update(fqn, { status: 'Failed', errorMessage });
    }
  }

  private track(fqn: string, status: NodeStatusUpdate['status']): void {
    if (isTerminalNodeStatus(status)) this.#open.delete(fqn);
    else this.#open.add(fqn);
  }

  /**
   * Writes nothing more: this replica lost the execution's lease (or is
   * shutting down) and another replica will resume from what is stored.
   */
  freeze(): void {
    this.#frozen = true;
  }

  /** True once frozen. */
  get frozen(): boolean {
    return this.#frozen;
  }

  /** Masks secrets in what is stored: error messages and non-secret outputs. */
  private clean<T extends NodeStatusUpdate>(update: T): T {
    return {
      ...update,
      ...(typeof update.errorMessage === 'string' ? { errorMessage: this.masker.mask(update.errorMessage) } : {}),
      ...(update.outputs ? { outputs: this.masker.maskDeep(update.outputs) as JsonObject } : {}),
    };
  }
}
