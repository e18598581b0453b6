import { metrics, type Meter } from '@opentelemetry/api';

/** The meter name, as scaffolder-backend and catalog-backend name theirs by package. */
export const ENGINE_METER_NAME =
  '@idp-pipelines/plugin-pipeline-engine-backend';

/**
 * The engine's OpenTelemetry instruments. Without an SDK registered by the
 * backend (see README "Metrics") the API hands out no-op instruments, so
 * recording costs next to nothing.
 */
export interface EngineMetrics {
  /** An execution was claimed and started (or taken over) on this replica. */
  executionStarted(attributes: {
    triggerType: string;
    takeover: boolean;
  }): void;
  /** An execution reached a final status on this replica. */
  executionFinished(attributes: { status: string; durationMs?: number }): void;
  /** A step attempt ended. */
  stepFinished(attributes: {
    stepType: string;
    status: string;
    durationMs: number;
  }): void;
  /** Time from enqueue (or from the lease expiring) to this replica's claim. */
  claimLatency(latencyMs: number): void;
}

/** Options of {@link createEngineMetrics}. */
export interface EngineMetricsOptions {
  /** Counts executions waiting to be claimed; read only when metrics are collected. */
  countQueuedExecutions?: () => Promise<number>;
  /** Defaults to the global meter provider's meter. */
  meter?: Meter;
}

/** Creates the engine's instruments (once per engine). */
export function createEngineMetrics(
  options: EngineMetricsOptions = {},
): EngineMetrics {
  const meter = options.meter ?? metrics.getMeter(ENGINE_METER_NAME);
  const started = meter.createCounter('pipeline_engine.executions.started', {
    description:
      'Executions claimed and started by this replica, by trigger type',
  });
  const finished = meter.createCounter('pipeline_engine.executions.finished', {
    description:
      'Executions that reached a final status on this replica, by status',
  });
  const executionDuration = meter.createHistogram(
    'pipeline_engine.execution.duration',
    {
      description: 'Wall time of finished executions, by status',
      unit: 'ms',
    },
  );
  const stepDuration = meter.createHistogram('pipeline_engine.step.duration', {
    description: 'Duration of step attempts, by step type and status',
    unit: 'ms',
  });
  const claimLatency = meter.createHistogram('pipeline_engine.claim.latency', {
    description:
      'Time an execution waited in the queue before a replica claimed it',
    unit: 'ms',
  });
  const countQueued = options.countQueuedExecutions;
  if (countQueued) {
    const queueDepth = meter.createObservableGauge(
      'pipeline_engine.queue.depth',
      {
        description: 'Executions waiting to be claimed',
      },
    );
    queueDepth.addCallback(async result => {
      result.observe(await countQueued());
    });
  }
  return {
    executionStarted({ triggerType, takeover }) {
      started.add(1, { trigger_type: triggerType, takeover });
    },
    executionFinished({ status, durationMs }) {
      finished.add(1, { status });
      if (durationMs !== undefined)
        executionDuration.record(durationMs, { status });
    },
    stepFinished({ stepType, status, durationMs }) {
      stepDuration.record(durationMs, { step_type: stepType, status });
    },
    claimLatency(latencyMs) {
      claimLatency.record(Math.max(0, latencyMs));
    },
  };
}
