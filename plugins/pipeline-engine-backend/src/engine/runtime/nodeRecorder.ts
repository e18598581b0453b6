import type {
  JsonObject,
  NodeExecution,
  NodeExecutionInput,
  NodeStatus,
  NodeStatusUpdate,
} from '../../database';
import { isTerminalNodeStatus } from '../../database';
import type { SecretMasker } from '../secretMasker';
import type { StateWriter } from './stateWriter';

/**
 * Records node state before and after every node through the execution's
 * {@link StateWriter}. Knows the nodes stored by an earlier run of the same
 * execution, so a recovered execution reuses finished nodes instead of
 * running them again.
 */
export class NodeRecorder {
  readonly #previous: Map<string, NodeExecution>;
  /** Latest full state of every node this run touched. */
  readonly #state = new Map<string, NodeExecutionInput>();
  /** Nodes this run started and has not finished. */
  readonly #open = new Set<string>();

  constructor(
    private readonly writer: StateWriter,
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
    return node &&
      !isTerminalNodeStatus(node.status) &&
      node.status !== 'NotStarted'
      ? node
      : undefined;
  }

  /** Every node an earlier run finished. */
  allFinished(): NodeExecution[] {
    return [...this.#previous.values()].filter(n =>
      isTerminalNodeStatus(n.status),
    );
  }

  /** Records a node as started (or in another state, e.g. Skipped). */
  async start(node: NodeExecutionInput): Promise<void> {
    this.put({ ...node });
  }

  /** Records a node's new state. */
  async update(fqn: string, update: NodeStatusUpdate): Promise<void> {
    const current = this.#state.get(fqn) ?? this.fromPrevious(fqn);
    if (!current) throw new Error(`node ${fqn} was updated before it started`);
    this.put({ ...current, ...update });
  }

  /** Waits until every recorded transition is stored. */
  barrier(): Promise<void> {
    return this.writer.barrier();
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

  /**
   * Ends every node an earlier run left open and this run did not touch
   * with `status` (a parked execution aborted before it resumed).
   */
  async endUntouched(status: NodeStatus, errorMessage: string): Promise<void> {
    for (const node of [...this.#previous.values()].reverse()) {
      if (
        this.#state.has(node.fqn) ||
        isTerminalNodeStatus(node.status) ||
        node.status === 'NotStarted'
      )
        continue;
      await this.update(node.fqn, { status, errorMessage });
    }
  }

  /** True once the writer stopped writing (lease lost). */
  get frozen(): boolean {
    return this.writer.frozen;
  }

  /** A node stored by an earlier run, as input for a new state. */
  private fromPrevious(fqn: string): NodeExecutionInput | undefined {
    const n = this.#previous.get(fqn);
    if (!n) return undefined;
    return {
      fqn: n.fqn,
      ...(n.parentFqn ? { parentFqn: n.parentFqn } : {}),
      nodeType: n.nodeType,
      identifier: n.identifier,
      name: n.name,
      ...(n.stepType ? { stepType: n.stepType } : {}),
      idempotent: n.idempotent,
      status: n.status,
      attempt: n.attempt,
      outputs: n.outputs,
    };
  }

  private put(state: NodeExecutionInput): void {
    this.#state.set(state.fqn, state);
    if (isTerminalNodeStatus(state.status)) this.#open.delete(state.fqn);
    else this.#open.add(state.fqn);
    this.writer.putNode(this.clean(state));
  }

  /** Masks secrets in what is stored: error messages and non-secret outputs. */
  private clean(state: NodeExecutionInput): NodeExecutionInput {
    if (this.masker.empty) return state;
    return {
      ...state,
      ...(typeof state.errorMessage === 'string'
        ? { errorMessage: this.masker.mask(state.errorMessage) }
        : {}),
      ...(state.outputs
        ? { outputs: this.masker.maskDeep(state.outputs) as JsonObject }
        : {}),
    };
  }
}
