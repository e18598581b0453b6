import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  type EngineHarness,
} from '../engine/__testUtils__/engineHarness';

/** A reader the test collects from when it wants to (no export interval). */
class CollectingReader extends MetricReader {
  constructor() {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
    });
  }
  protected async onForceFlush() {}
  protected async onShutdown() {}
}

const databases = createTestDatabases();
const reader = new CollectingReader();
const provider = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  // The engine's instruments come from the global meter provider, as
  // scaffolder-backend's do: the backend's OpenTelemetry SDK sets it.
  metrics.setGlobalMeterProvider(provider);
});
afterAll(async () => {
  metrics.disable();
  await provider.shutdown();
});

async function collected() {
  const { resourceMetrics } = await reader.collect();
  const points = new Map<string, Array<DataPoint<number | Histogram>>>();
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics)
      points.set(metric.descriptor.name, [
        ...(points.get(metric.descriptor.name) ?? []),
        ...(metric.dataPoints as Array<DataPoint<number | Histogram>>),
      ]);
  return points;
}

describe('engine metrics', () => {
  let harness: EngineHarness;
  afterEach(() => harness?.stop());

  it('counts executions by status and times steps by type', async () => {
    harness = await createEngineHarness(databases, 'SQLITE_3');
    const ok = await harness.run(
      pipelineYaml(
        `- step:
    type: TestEcho
    name: a
    identifier: a
    spec:
      message: hello
`,
        { identifier: 'metrics_ok' },
      ),
    );
    const failed = await harness.run(
      pipelineYaml(
        `- step:
    type: TestFail
    name: b
    identifier: b
    spec:
      message: no
`,
        { identifier: 'metrics_failed' },
      ),
    );
    expect([ok.status, failed.status]).toEqual(['Success', 'Failed']);

    const points = await collected();
    const finished = points.get('pipeline_engine.executions.finished') ?? [];
    const byStatus = Object.fromEntries(
      finished.map(p => [p.attributes.status, p.value]),
    );
    expect(byStatus).toEqual({ Success: 1, Failed: 1 });
    const started = points.get('pipeline_engine.executions.started') ?? [];
    expect(started.reduce((sum, p) => sum + Number(p.value), 0)).toBe(2);

    const steps = points.get('pipeline_engine.step.duration') ?? [];
    const stepCounts = Object.fromEntries(
      steps.map(p => [
        `${p.attributes.step_type}:${p.attributes.status}`,
        (p.value as Histogram).count,
      ]),
    );
    expect(stepCounts).toEqual({ 'TestEcho:Success': 1, 'TestFail:Failed': 1 });
    const claims = points.get('pipeline_engine.claim.latency') ?? [];
    expect((claims[0]?.value as Histogram | undefined)?.count).toBe(2);
    // Nothing waits once both have ended.
    expect(points.get('pipeline_engine.queue.depth')?.[0]?.value).toBe(0);
  });
});
