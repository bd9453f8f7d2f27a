/**
 * `@incidents/kb-sync/sns` — alerts published to an Amazon SNS topic.
 *
 * A subpath of its own so that local-only use installs and loads no AWS SDK: install
 * `@aws-sdk/client-sns` (an optional peer dependency) to use it.
 *
 * @module
 */
export { createSnsAlertSink, type SnsAlertSinkOptions } from './alerts/sns.js';
