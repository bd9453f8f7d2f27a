/**
 * CloudWatch Embedded Metric Format (EMF): one JSON line per run that CloudWatch Logs turns into
 * metrics (in Lambda, stdout goes to CloudWatch Logs; no PutMetricData call, no extra permission).
 * @module
 */

/** Default namespace of the metrics (seed 002's `IncidentKBSync`). */
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

/** Receives one EMF line (a JSON string without newline). */
export type MetricsSink = (line: string) => void;

/** The default sink: writes the line to stdout. */
export const stdoutMetricsSink: MetricsSink = (line) => {
  process.stdout.write(`${line}\n`);
};

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
