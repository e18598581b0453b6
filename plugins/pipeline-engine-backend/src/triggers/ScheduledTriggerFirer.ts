import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ExecutionSummary } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Trigger, TriggerStore } from '../database';
import type { CronSchedule } from './cronSchedule';

/** What {@link ScheduledTriggerFirer} needs. */
export interface ScheduledTriggerFirerOptions {
  triggers: Pick<TriggerStore, 'listDue' | 'claimOccurrence'>;
  /** Starts the execution of a claimed occurrence. */
  fire(trigger: Trigger): Promise<ExecutionSummary>;
  logger: LoggerService;
  /**
   * The trigger's schedule, read from its stored YAML (the admin service's
   * reader); throws when the YAML no longer reads.
   */
  readSchedule(trigger: Trigger): CronSchedule | undefined;
  /**
   * How late an occurrence may still fire. Older ones were missed while no
   * replica was up and are skipped: the next occurrence fires instead.
   */
  missedAfterMs: number;
}

/** What one pass did, for logs and tests. */
export interface FirePassResult {
  fired: string[];
  skippedAsMissed: string[];
}

/**
 * Fires the due occurrences of Scheduled triggers. Every replica may run a
 * pass at any time: an occurrence fires only on the replica whose
 * compare-and-set moved the trigger's next fire time past it.
 */
export class ScheduledTriggerFirer {
  constructor(private readonly options: ScheduledTriggerFirerOptions) {}

  async fireDue(now: Date): Promise<FirePassResult> {
    const result: FirePassResult = { fired: [], skippedAsMissed: [] };
    for (const trigger of await this.options.triggers.listDue(now)) {
      await this.fireOne(trigger, now, result);
    }
    return result;
  }

  private async fireOne(
    trigger: Trigger,
    now: Date,
    result: FirePassResult,
  ): Promise<void> {
    const { logger, triggers } = this.options;
    const name = `${trigger.orgIdentifier}/${trigger.projectIdentifier}/${trigger.pipelineIdentifier}/${trigger.identifier}`;
    const due = new Date(trigger.nextFireAt!);
    let schedule;
    try {
      schedule = this.options.readSchedule(trigger);
    } catch (error) {
      logger.warn(
        `Scheduled trigger ${name} no longer reads: ${String(error)}`,
      );
    }
    if (!schedule) {
      // Saved before its YAML stopped validating: never fire it again.
      await triggers.claimOccurrence(trigger.id, due, null);
      return;
    }
    // The latest occurrence not older than the tolerance, if any.
    const windowStart = new Date(
      Math.max(due.getTime() - 1, now.getTime() - this.options.missedAfterMs),
    );
    const candidate = schedule.nextAfter(windowStart);
    const fires = candidate !== undefined && candidate <= now;
    const next = schedule.nextAfter(now) ?? null;
    if (!(await triggers.claimOccurrence(trigger.id, due, next))) {
      return; // another replica claimed it, or the trigger changed meanwhile
    }
    if (!fires) {
      result.skippedAsMissed.push(name);
      logger.info(
        `Scheduled trigger ${name} missed its occurrence at ${due.toISOString()} (no replica was running); next at ${next?.toISOString() ?? 'never'}`,
      );
      return;
    }
    try {
      const execution = await this.options.fire(trigger);
      result.fired.push(name);
      logger.info(
        `Scheduled trigger ${name} fired for ${candidate.toISOString()}: execution ${execution.id}`,
      );
    } catch (error) {
      // The occurrence is claimed: it is not retried (at most once).
      logger.error(
        `Scheduled trigger ${name} could not start its execution for ${candidate.toISOString()}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
