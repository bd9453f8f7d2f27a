/**
 * `@incidents/config/connectors` — builds the connectors of `@incidents/connectors` from settings
 * (the CLI's {@link loadConnectorsConfig}, the Lambda's `INCIDENTS_CONNECTORS`). A subpath of its
 * own so that the apps load the connectors (and the Slack SDK) only when they sync.
 *
 * @packageDocumentation
 */
import {
  type Connector,
  createJiraConnector,
  createRemedyConnector,
  createServiceNowConnector,
  createShortcutConnector,
  createSlackConnector,
  createZendeskConnector,
} from '@incidents/connectors';
import { IncidentsError } from '@incidents/core';
import { configIssues } from './config-issues.js';
import { type ConnectorSettings, type ConnectorType, checkConnectorOptions } from './connectors-config.js';

/** A connector factory (`createJiraConnector`…), typed loosely: the options are checked before the call. */
export type ConnectorFactory = (options: never) => Connector;

/** The connector factories by type. */
export const CONNECTOR_FACTORIES: Readonly<Record<ConnectorType, ConnectorFactory>> = {
  jira: createJiraConnector as ConnectorFactory,
  servicenow: createServiceNowConnector as ConnectorFactory,
  remedy: createRemedyConnector as ConnectorFactory,
  zendesk: createZendeskConnector as ConnectorFactory,
  slack: createSlackConnector as ConnectorFactory,
  shortcut: createShortcutConnector as ConnectorFactory,
};

/** What {@link buildConnector} needs: the type and the factory's options. */
export interface ConnectorBuildSettings {
  type: ConnectorType;
  options: Record<string, unknown>;
  /** Names an option path in error messages; default `connectors.<name>.options.<path>`. */
  describe?: (path: string) => string;
}

/**
 * Builds one connector: checks its options (`IncidentsError` `config` naming the option, never its
 * value), calls the factory of its type, and gives it the configured name (the engine keys cursors
 * and the outbound queue by name, e.g. two Jira sites `jira-eu` and `jira-us`).
 *
 * @param extra options merged over `settings.options` (test transports, credentials from a secret store).
 */
export function buildConnector(
  name: string,
  settings: ConnectorBuildSettings,
  extra: Record<string, unknown> = {},
): Connector {
  const factory = CONNECTOR_FACTORIES[settings.type];
  if (!factory) {
    throw new IncidentsError('config', `Invalid connector configuration: connectors.${name}.type: unknown type`, {
      details: { issues: [{ path: `connectors.${name}.type`, message: 'unknown type' }] },
    });
  }
  const options = { ...settings.options, ...extra };
  const describe = settings.describe ?? ((path: string) => `connectors.${name}.options.${path}`);
  const problems = checkConnectorOptions(settings.type, options, describe);
  if (problems.length) {
    throw new IncidentsError('config', `Invalid connector configuration: ${problems.join('; ')}`, {
      details: { issues: configIssues(problems) },
    });
  }
  const connector = factory(options as never);
  return connector.name === name ? connector : { ...connector, name };
}

/**
 * Builds the connectors of `settings` (all of them, or the ones named in `only`, in that order).
 *
 * @example
 * ```ts
 * const config = loadConnectorsConfig({ env: process.env });
 * const connectors = buildConnectors(Object.values(config.connectors));
 * ```
 */
export function buildConnectors(
  settings: readonly ConnectorSettings[],
  options: { only?: readonly string[]; extra?: (settings: ConnectorSettings) => Record<string, unknown> } = {},
): Connector[] {
  const byName = new Map(settings.map((s) => [s.name, s]));
  const names = options.only ?? settings.map((s) => s.name);
  return names.map((name) => {
    const s = byName.get(name);
    if (!s) {
      throw new IncidentsError(
        'config',
        `Unknown connector ${name}; configured: ${settings.map((c) => c.name).join(', ') || 'none'}`,
        { details: { connector: name, configured: settings.map((c) => c.name) } },
      );
    }
    return buildConnector(name, s, options.extra?.(s));
  });
}

export type { ConnectorSettings, ConnectorType } from './connectors-config.js';
