/**
 * The default alert sink: the log. (Amazon SNS is `@incidents/kb-sync/sns`, so that the root entry
 * loads no AWS SDK client.)
 * @module
 */
import type { AlertSink, KbAlert, KbLogger } from '../ports.js';

/** An {@link AlertSink} that writes each alert as a warning to a logger (`console` by default). */
export function createLogAlertSink(logger: Pick<KbLogger, 'warn'> = console): AlertSink {
  return {
    async send(alert: KbAlert) {
      logger.warn(`[kb-sync alert] ${alert.subject}: ${alert.message}`, {
        incident_id: alert.incident_id,
        attempts: alert.attempts,
        last_error: alert.last_error,
      });
    },
  };
}
