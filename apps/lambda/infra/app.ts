/**
 * The CDK app: `cdk synth` / `cdk deploy` from apps/lambda. Settings come from CDK context
 * (`-c key=value` or cdk.json), never from lookups, so synthesis runs offline:
 *
 * - `stackName` (default `Incidents`), `tableName`, `deletionProtection` (`true`/`false`),
 * - `existingBucketName`, `kbPrefix`, `knowledgeBaseId`, `dataSourceId`,
 * - `kbSyncRateMinutes` (default 60), `connectorSyncRateMinutes` (default 60),
 * - `connectors` (JSON array of `{ name, type?, options?, secretArn?, ssmParameterName?, rateMinutes? }`),
 * - `alarmEmail`, `runtime` (`nodejs24.x`, the default | `nodejs22.x` | `nodejs20.x`), `account`, `region` (optional: env-agnostic without them).
 */
import { App, Duration } from 'aws-cdk-lib';
import { IncidentsStack, type StackConnector } from './incidents-stack.js';

const app = new App();
const ctx = (key: string): string | undefined => {
  const v = app.node.tryGetContext(key);
  return v === undefined || v === null || v === '' ? undefined : String(v);
};
const minutes = (key: string): Duration | undefined => {
  const v = ctx(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`context ${key} must be a whole number of minutes ≥ 1, got "${v}"`);
  return Duration.minutes(n);
};
const connectorsJson = app.node.tryGetContext('connectors');
const rawConnectors: Array<StackConnector & { rateMinutes?: number }> =
  typeof connectorsJson === 'string' ? JSON.parse(connectorsJson) : Array.isArray(connectorsJson) ? connectorsJson : [];
const connectors = rawConnectors.map(({ rateMinutes, ...c }) => ({
  ...c,
  ...(rateMinutes ? { rate: Duration.minutes(rateMinutes) } : {}),
}));
const account = ctx('account');
const region = ctx('region');
const runtime = ctx('runtime');
const kbSyncRate = minutes('kbSyncRateMinutes');
const connectorSyncRate = minutes('connectorSyncRateMinutes');

new IncidentsStack(app, ctx('stackName') ?? 'Incidents', {
  ...(account && region ? { env: { account, region } } : {}),
  ...(ctx('tableName') ? { tableName: ctx('tableName') } : {}),
  deletionProtection: ctx('deletionProtection') !== 'false',
  ...(ctx('existingBucketName') ? { existingBucketName: ctx('existingBucketName') } : {}),
  ...(ctx('kbPrefix') ? { kbPrefix: ctx('kbPrefix') } : {}),
  ...(ctx('knowledgeBaseId') ? { knowledgeBaseId: ctx('knowledgeBaseId') } : {}),
  ...(ctx('dataSourceId') ? { dataSourceId: ctx('dataSourceId') } : {}),
  ...(kbSyncRate ? { kbSyncRate } : {}),
  ...(connectorSyncRate ? { connectorSyncRate } : {}),
  connectors,
  ...(ctx('alarmEmail') ? { alarmEmail: ctx('alarmEmail') } : {}),
  ...(runtime === 'nodejs24.x' || runtime === 'nodejs22.x' || runtime === 'nodejs20.x' ? { runtime } : {}),
});
app.synth();
