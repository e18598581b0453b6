import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { dbNow } from './dbClock';

/**
 * A step process group (local runner) or container (container runner)
 * started by a replica: what a restarted replica needs to find and kill it.
 */
export interface StepProcessRecord {
  /** The replica's `pipelineEngine.worker.instanceId`. */
  instanceId: string;
  /** Linux boot id; start times are only comparable within one boot. */
  bootId?: string;
  /** Process group id (the pid of its leader). */
  pgid?: number;
  /** The leader's start time in clock ticks since boot, so that a reused pid is never killed. */
  startTime?: string;
  /** Name of the container the step runs in. */
  containerName?: string;
  /** The docker-compatible CLI that started it. */
  containerCommand?: string;
}

/** A stored {@link StepProcessRecord}. */
export interface StoredStepProcess extends StepProcessRecord {
  id: string;
}

interface StepProcessRow {
  id: string;
  instance_id: string;
  boot_id: string | null;
  pgid: number | string | null;
  start_time: string | null;
  container_name: string | null;
  container_command: string | null;
}

/** The `step_processes` table: step processes alive on some replica. */
export class StepProcessStore {
  constructor(private readonly db: Knex) {}

  /** Records a started process group or container; returns the row id. */
  async add(record: StepProcessRecord): Promise<string> {
    const id = randomUUID();
    await this.db('step_processes').insert({
      id,
      instance_id: record.instanceId,
      boot_id: record.bootId ?? null,
      pgid: record.pgid ?? null,
      start_time: record.startTime ?? null,
      container_name: record.containerName ?? null,
      container_command: record.containerCommand ?? null,
      created_at: dbNow(this.db),
    });
    return id;
  }

  /** Forgets a process group or container that ended. */
  async remove(id: string): Promise<void> {
    await this.db('step_processes').where({ id }).delete();
  }

  /** What replicas with this instance id started and did not see end. */
  async listForInstance(instanceId: string): Promise<StoredStepProcess[]> {
    const rows: StepProcessRow[] = await this.db('step_processes')
      .where({ instance_id: instanceId })
      .orderBy('created_at', 'asc');
    return rows.map(row => ({
      id: row.id,
      instanceId: row.instance_id,
      ...(row.boot_id !== null ? { bootId: row.boot_id } : {}),
      ...(row.pgid !== null ? { pgid: Number(row.pgid) } : {}),
      ...(row.start_time !== null ? { startTime: row.start_time } : {}),
      ...(row.container_name !== null
        ? { containerName: row.container_name }
        : {}),
      ...(row.container_command !== null
        ? { containerCommand: row.container_command }
        : {}),
    }));
  }
}
