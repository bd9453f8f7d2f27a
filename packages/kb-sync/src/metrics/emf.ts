/**
 * The job's metrics port and one adapter for it. `runKbSync` reports a run's figures through a
 * {@link KbMetricsRecorder} — a small interface with no dependency on Lambda or CloudWatch — and
 * records nothing unless the caller passes one. The adapter here writes CloudWatch Embedded Metric
 * Format (EMF) lines to a sink the caller chooses ({@link emfMetricsRecorder}); a Lambda function can
 * instead adapt its own metrics library (e.g. Powertools `Metrics`) to the port.
 * @module
 */

/** Default namespace of the metrics (R-KB-7). */
export const DEFAULT_METRICS_NAMESPACE = 'IncidentKBSync';

/** One metric value. */
export interface KbMetric {
  name:
    | 'IncidentsSynced'
    | 'SyncErrors'
    | 'SyncDuration'
    | 'IngestionJobsStarted'
    | 'IngestionJobsCompleted'
    | (string & {});
  value: number;
  unit: 'Count' | 'Milliseconds';
}

/** What accompanies a run's metrics: the namespace asked for and context values (status, found, job id). */
export interface KbMetricsContext {
  /** The namespace of the run (`metricsNamespace`, default `IncidentKBSync`). */
  namespace: string;
  /** Values that describe the run without being metrics (EMF properties, log fields, span metadata). */
  properties: Record<string, string | number>;
}

/**
 * The metrics port of the job: receives the metrics of one run. Implement it over any metrics
 * library; throwing from it never fails the run (the error is logged).
 */
export interface KbMetricsRecorder {
  /** Records one run's (or one batch's) metrics with the run's context. */
  record(metrics: readonly KbMetric[], context: KbMetricsContext): void;
}

/** Receives one EMF line (a JSON string without newline). */
export type MetricsSink = (line: string) => void;

/**
 * A sink that writes each EMF line to stdout — for a process whose stdout is a CloudWatch Logs
 * stream. Never the default: pass it explicitly (`metrics: stdoutMetricsSink`).
 */
export const stdoutMetricsSink: MetricsSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Adapts an EMF line sink to the {@link KbMetricsRecorder} port: one line per run, in the run's
 * namespace, with the dimension `Service=kb-sync` and the context as properties.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * await runKbSync({ store, objectStore, metrics: emfMetricsRecorder((line) => lines.push(line)) });
 * ```
 */
export function emfMetricsRecorder(
  sink: MetricsSink,
  options: { dimensions?: Record<string, string>; now?: () => number } = {},
): KbMetricsRecorder {
  return {
    record(metrics, context) {
      sink(
        toEmfLine([...metrics], {
          namespace: context.namespace,
          properties: context.properties,
          ...(options.dimensions ? { dimensions: options.dimensions } : {}),
          ...(options.now ? { timestamp: options.now() } : {}),
        }),
      );
    },
  };
}

/** The `metrics` option of `runKbSync`: a recorder, an EMF line sink, or `false`/omitted for none. */
export type KbMetricsOption = KbMetricsRecorder | MetricsSink | false;

/** Resolves the `metrics` option to a recorder, or `null` when nothing is recorded. */
export function toMetricsRecorder(option: KbMetricsOption | undefined): KbMetricsRecorder | null {
  if (option === undefined || option === false) return null;
  return typeof option === 'function' ? emfMetricsRecorder(option) : option;
}

/**
 * Builds one EMF line: `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[…]}]},…}`.
 */
export function toEmfLine(
  metrics: KbMetric[],
  options: {
    namespace?: string;
    dimensions?: Record<string, string>;
    timestamp?: number;
    properties?: Record<string, unknown>;
  } = {},
): string {
  const dimensions = options.dimensions ?? { Service: 'kb-sync' };
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: options.timestamp ?? Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: options.namespace ?? DEFAULT_METRICS_NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...(options.properties ?? {}),
    ...dimensions,
  };
  for (const m of metrics) record[m.name] = m.value;
  return JSON.stringify(record);
}
