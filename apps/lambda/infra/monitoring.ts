/**
 * Monitoring of {@link IncidentsStack}: the alarms (to the alert topic) and the
 * `IncidentKBSyncDashboard` (R-KB-7). Created in the stack's own scope, so their logical ids — and the
 * synthesized template — are those of the single constructor this was taken out of.
 * @module
 */
import { Aws, Duration, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { STACK_LIMITS } from './stack-limits.js';

/** What the alarms and the dashboard watch. */
export interface MonitoringProps {
  alertTopic: sns.ITopic;
  deadLetterQueue: sqs.Queue;
  kbBatchSyncFunction: NodejsFunction;
  onIncidentClosedFunction: NodejsFunction;
  connectorSyncFunction?: NodejsFunction;
  webhookFunction?: NodejsFunction;
  /** CloudWatch namespace and dimensions of the knowledge-base sync's own metrics. */
  kbMetricsNamespace: string;
  kbMetricsDimensions: Record<string, string>;
}

/** Adds the alarms and the dashboard to `stack`; returns the dashboard. */
export function addMonitoring(stack: Stack, p: MonitoringProps): cloudwatch.Dashboard {
  // --- Alarms ---------------------------------------------------------------------------------------
  const alarmAction = new cwActions.SnsAction(p.alertTopic);
  const hour = Duration.hours(1);
  const kbMetric = (metricName: string, statistic = 'Sum') =>
    new cloudwatch.Metric({
      namespace: p.kbMetricsNamespace,
      metricName,
      dimensionsMap: p.kbMetricsDimensions,
      statistic,
      period: hour,
    });
  const alarm = (
    id: string,
    description: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    op = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  ) => {
    const a = new cloudwatch.Alarm(stack, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: op,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(alarmAction);
    return a;
  };
  const functions: Array<[string, NodejsFunction]> = [
    ['KbBatchSync', p.kbBatchSyncFunction],
    ['OnIncidentClosed', p.onIncidentClosedFunction],
    ...(p.connectorSyncFunction
      ? ([['ConnectorSync', p.connectorSyncFunction]] as Array<[string, NodejsFunction]>)
      : []),
    ...(p.webhookFunction ? ([['Webhooks', p.webhookFunction]] as Array<[string, NodejsFunction]>) : []),
  ];
  for (const [name, fn] of functions) {
    alarm(
      `${name}ErrorsAlarm`,
      `${name}: the function failed (error or timeout) at least once in an hour`,
      fn.metricErrors({ period: hour, statistic: 'Sum' }),
      1,
    );
  }
  alarm(
    'KbSyncErrorsAlarm',
    'Knowledge-base sync: incidents could not be exported (they stay pending and are retried)',
    kbMetric('SyncErrors'),
    1,
  );
  alarm(
    'KbIngestionFailuresAlarm',
    'Knowledge-base sync: an ingestion job failed or timed out (documents are in S3 but not searchable)',
    kbMetric('IngestionFailures'),
    1,
  );
  alarm(
    'KbBatchSyncDurationAlarm',
    'incident-kb-batch-sync ran longer than 80% of its timeout',
    p.kbBatchSyncFunction.metricDuration({ period: hour, statistic: 'Maximum' }),
    STACK_LIMITS.kbIngestionWait.toMilliseconds(),
  );
  alarm(
    'OnIncidentClosedIteratorAgeAlarm',
    `Closed incidents wait more than ${STACK_LIMITS.onClosedMaxIteratorAge.toMinutes()} minutes in the stream before being synced`,
    new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: p.onIncidentClosedFunction.functionName },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    }),
    STACK_LIMITS.onClosedMaxIteratorAge.toMilliseconds(),
  );
  alarm(
    'DeadLetterQueueAlarm',
    'Events or stream batches were given up and are in the dead-letter queue',
    p.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    1,
  );

  // --- Dashboard (R-KB-7: IncidentKBSyncDashboard) -------------------------------------------------
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard', {
    dashboardName: `IncidentKBSyncDashboard-${Aws.STACK_NAME}`,
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Incidents synced per hour',
      left: [kbMetric('IncidentsSynced'), kbMetric('IncidentsWithdrawn'), kbMetric('SyncErrors')],
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: 'Ingestion jobs',
      left: [kbMetric('IngestionJobsStarted'), kbMetric('IngestionJobsCompleted'), kbMetric('IngestionFailures')],
      width: 12,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Sync duration (ms)',
      left: [kbMetric('SyncDuration', 'Maximum'), kbMetric('SyncDuration', 'Average')],
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Function errors',
      left: functions.map(([, fn]) => fn.metricErrors({ period: hour, statistic: 'Sum' })),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue',
      left: [p.deadLetterQueue.metricApproximateNumberOfMessagesVisible()],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.LogQueryWidget({
      title: 'Recent sync logs',
      logGroupNames: [p.kbBatchSyncFunction.logGroup.logGroupName, p.onIncidentClosedFunction.logGroup.logGroupName],
      queryLines: [
        'fields @timestamp, level, message, status, synced, failed',
        'filter ispresent(level)',
        'sort @timestamp desc',
        'limit 50',
      ],
      width: 24,
    }),
  );
  return dashboard;
}
