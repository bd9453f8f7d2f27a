import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JiraServer, makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { buildConnector, buildConnectors, CONNECTOR_FACTORIES } from '../src/connectors.js';
import { CONNECTOR_TYPES, connectorEnvVariables, loadConnectorsConfig } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'incidents-connectors-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The error message of `fn`, which must throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ code: 'config' });
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

/** `${NAME}`: a reference to an environment variable in a config file. */
const ref = (name: string) => `\${${name}}`;

function writeJson(path: string, value: unknown) {
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

describe('loadConnectorsConfig: environment', () => {
  it('maps each prefix to the options of its factory', () => {
    const config = loadConnectorsConfig({
      cwd: dir,
      env: {
        INCIDENTS_JIRA_BASE_URL: 'https://acme.atlassian.net',
        INCIDENTS_JIRA_EMAIL: 'bot@acme.com',
        INCIDENTS_JIRA_API_TOKEN: 'jira-secret',
        INCIDENTS_JIRA_PROJECT: 'OPS, SUP',
        INCIDENTS_JIRA_JQL: 'issuetype = Incident',
        INCIDENTS_JIRA_PAGE_SIZE: '25',
        INCIDENTS_JIRA_TEAM: 'payments',
        INCIDENTS_SERVICENOW_BASE_URL: 'https://acme.service-now.com',
        INCIDENTS_SERVICENOW_BEARER_TOKEN: 'sn-secret',
        INCIDENTS_SERVICENOW_QUERY: 'assignment_group.name=Payments',
        INCIDENTS_REMEDY_BASE_URL: 'https://acme-restapi.onbmc.com',
        INCIDENTS_REMEDY_USERNAME: 'svc',
        INCIDENTS_REMEDY_PASSWORD: 'remedy-secret',
        INCIDENTS_REMEDY_FORM: 'HPD:Help Desk',
        INCIDENTS_ZENDESK_SUBDOMAIN: 'acme',
        INCIDENTS_ZENDESK_EMAIL: 'agent@acme.com',
        INCIDENTS_ZENDESK_API_TOKEN: 'zd-secret',
        INCIDENTS_ZENDESK_EXCLUDE_DELETED: 'true',
        INCIDENTS_SLACK_BOT_TOKEN: 'xoxb-secret',
        INCIDENTS_SLACK_CHANNEL_ID: 'C0123',
        INCIDENTS_SLACK_WORKSPACE_URL: 'https://acme.slack.com',
        INCIDENTS_SLACK_INCLUDE_REPLIES: '0',
        INCIDENTS_SHORTCUT_API_TOKEN: 'sc-secret',
        INCIDENTS_SHORTCUT_QUERY: 'type:bug',
        INCIDENTS_SHORTCUT_MAX_RETRIES: '2',
      },
    });
    expect(Object.keys(config.connectors)).toEqual(['jira', 'servicenow', 'remedy', 'zendesk', 'slack', 'shortcut']);
    const options = Object.fromEntries(Object.values(config.connectors).map((c) => [c.name, c.options]));
    expect(options).toEqual({
      jira: {
        baseUrl: 'https://acme.atlassian.net',
        auth: { email: 'bot@acme.com', apiToken: 'jira-secret' },
        jql: 'project in (OPS, SUP) AND (issuetype = Incident)',
        pageSize: 25,
        mapping: { team: 'payments' },
      },
      servicenow: {
        baseUrl: 'https://acme.service-now.com',
        auth: { bearerToken: 'sn-secret' },
        query: 'assignment_group.name=Payments',
      },
      remedy: {
        baseUrl: 'https://acme-restapi.onbmc.com',
        auth: { username: 'svc', password: 'remedy-secret' },
        form: 'HPD:Help Desk',
      },
      zendesk: {
        baseUrl: 'https://acme.zendesk.com',
        auth: { email: 'agent@acme.com', apiToken: 'zd-secret' },
        excludeDeleted: true,
      },
      slack: {
        token: 'xoxb-secret',
        channelId: 'C0123',
        mapping: { workspaceUrl: 'https://acme.slack.com' },
        includeReplies: false,
      },
      shortcut: { apiToken: 'sc-secret', query: 'type:bug', retry: { maxRetries: 2 } },
    });
    expect(config.connectors.jira).toMatchObject({ type: 'jira', source: { kind: 'env', prefix: 'INCIDENTS_JIRA_' } });
    expect(config.file).toBeUndefined();
    expect(config.searchedFile).toBe(join(dir, '.incidents', 'connectors.json'));
    // Every system's variables are documented by name.
    for (const type of CONNECTOR_TYPES) expect(connectorEnvVariables(type).length).toBeGreaterThan(3);
  });

  it('nothing set: no connector', () => {
    expect(loadConnectorsConfig({ env: {}, cwd: dir }).connectors).toEqual({});
  });

  it('names the variable that is wrong, never the secret', () => {
    const jira = { INCIDENTS_JIRA_BASE_URL: 'https://acme.atlassian.net', INCIDENTS_JIRA_EMAIL: 'bot@acme.com' };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { ...jira, INCIDENTS_JIRA_BASE_URL: 'acme.atlassian.net', INCIDENTS_JIRA_API_TOKEN: 't0k3n-value' },
        /INCIDENTS_JIRA_BASE_URL: expected an http\(s\) URL/,
      ],
      [jira, /INCIDENTS_JIRA_API_TOKEN: required with INCIDENTS_JIRA_EMAIL/],
      [
        { INCIDENTS_JIRA_API_TOKEN: 't0k3n-value' },
        /INCIDENTS_JIRA_BASE_URL: required.*INCIDENTS_JIRA_EMAIL: required with INCIDENTS_JIRA_API_TOKEN/,
      ],
      [
        { ...jira, INCIDENTS_JIRA_API_TOKEN: 't0k3n-value', INCIDENTS_JIRA_BEARER_TOKEN: 't0k3n-value' },
        /give either INCIDENTS_JIRA_EMAIL \+ INCIDENTS_JIRA_API_TOKEN or INCIDENTS_JIRA_BEARER_TOKEN, not both/,
      ],
      [
        { ...jira, INCIDENTS_JIRA_API_TOKEN: 't0k3n-value', INCIDENTS_JIRA_PAGE_SIZE: 'lots' },
        /INCIDENTS_JIRA_PAGE_SIZE: expected a whole number/,
      ],
      [
        { ...jira, INCIDENTS_JIRA_API_TOKEN: 't0k3n-value', INCIDENTS_JIRA_PAGE_SIZE: '500' },
        /INCIDENTS_JIRA_PAGE_SIZE: expected a whole number from 1 to 100/,
      ],
      [
        { ...jira, INCIDENTS_JIRA_API_TOKEN: 't0k3n-value', INCIDENTS_JIRA_BASEURL: 'https://x' },
        /INCIDENTS_JIRA_BASEURL: unknown variable; expected one of INCIDENTS_JIRA_BASE_URL/,
      ],
      [
        { INCIDENTS_JIRA_JQL: 'project = OPS' },
        /INCIDENTS_JIRA_JQL is set but jira is not configured: set INCIDENTS_JIRA_BASE_URL/,
      ],
      [{ INCIDENTS_SLACK_BOT_TOKEN: 't0k3n-value' }, /INCIDENTS_SLACK_CHANNEL_ID: required/],
      [
        { INCIDENTS_ZENDESK_SUBDOMAIN: 'acme.zendesk.com', INCIDENTS_ZENDESK_BEARER_TOKEN: 't0k3n-value' },
        /INCIDENTS_ZENDESK_SUBDOMAIN: expected the subdomain/,
      ],
      [
        { INCIDENTS_REMEDY_BASE_URL: 'https://r.example.com', INCIDENTS_REMEDY_USERNAME: 'svc' },
        /INCIDENTS_REMEDY_PASSWORD: required with INCIDENTS_REMEDY_USERNAME/,
      ],
      [
        { INCIDENTS_SERVICENOW_BASE_URL: 'https://sn.example.com' },
        /INCIDENTS_SERVICENOW_\* credentials: required \(INCIDENTS_SERVICENOW_USERNAME \+ INCIDENTS_SERVICENOW_PASSWORD, or INCIDENTS_SERVICENOW_BEARER_TOKEN, or INCIDENTS_SERVICENOW_OAUTH_\*\)/,
      ],
    ];
    for (const [env, expected] of cases) {
      const message = errorOf(() => loadConnectorsConfig({ env, cwd: dir }));
      expect(message).toMatch(expected);
      expect(message).not.toContain('t0k3n-value');
    }
  });
});

describe('loadConnectorsConfig: config file', () => {
  const env = {
    JIRA_TOKEN: 'jira-secret',
    EU_SITE: 'acme-eu',
    INCIDENTS_ZENDESK_BASE_URL: 'https://acme.zendesk.com',
    INCIDENTS_ZENDESK_BEARER_TOKEN: 'zd-secret',
    INCIDENTS_JIRA_BASE_URL: 'https://env.atlassian.net',
    INCIDENTS_JIRA_BEARER_TOKEN: 'env-secret',
  };
  const file = {
    connectors: {
      jira: {
        options: {
          baseUrl: 'https://acme.atlassian.net',
          auth: { email: 'bot@acme.com', apiToken: ref('JIRA_TOKEN') },
          jql: 'project = OPS',
        },
      },
      'jira-eu': {
        type: 'jira',
        options: { baseUrl: `https://${ref('EU_SITE')}.atlassian.net`, auth: { bearerToken: ref('JIRA_TOKEN') } },
      },
    },
  };

  it('reads <home>/connectors.json, expands environment references, and wins over the environment', () => {
    mkdirSync(join(dir, 'home'));
    const path = writeJson(join(dir, 'home', 'connectors.json'), file);
    const config = loadConnectorsConfig({ env: { ...env, INCIDENTS_HOME: 'home' }, cwd: dir });
    expect(config.file).toBe(path);
    expect(Object.keys(config.connectors)).toEqual(['jira', 'jira-eu', 'zendesk']);
    expect(config.connectors.jira?.options).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      auth: { email: 'bot@acme.com', apiToken: 'jira-secret' },
      jql: 'project = OPS',
      // The values of secret references, redacted from the connector's errors.
      redact: ['jira-secret'],
    });
    expect(config.connectors['jira-eu']).toMatchObject({
      type: 'jira',
      options: { baseUrl: 'https://acme-eu.atlassian.net', auth: { bearerToken: 'jira-secret' } },
      source: { kind: 'file', path },
    });
    expect(config.connectors.zendesk?.source).toEqual({ kind: 'env', prefix: 'INCIDENTS_ZENDESK_' });
  });

  it('--config wins over INCIDENTS_CONFIG; a named file must exist', () => {
    const chosen = writeJson(join(dir, 'chosen.json'), file);
    const other = writeJson(join(dir, 'other.json'), { connectors: {} });
    expect(loadConnectorsConfig({ env: { ...env, INCIDENTS_CONFIG: other }, cwd: dir, file: 'chosen.json' }).file).toBe(
      chosen,
    );
    // INCIDENTS_CONFIG's empty file: only the environment's connectors.
    const fromEnv = loadConnectorsConfig({ env: { ...env, INCIDENTS_CONFIG: other }, cwd: dir });
    expect(fromEnv.file).toBe(other);
    expect(Object.values(fromEnv.connectors).map((c) => [c.name, c.source.kind])).toEqual([
      ['jira', 'env'],
      ['zendesk', 'env'],
    ]);
    expect(errorOf(() => loadConnectorsConfig({ env: {}, cwd: dir, file: 'missing.json' }))).toBe(
      `Invalid connector configuration: ${join(dir, 'missing.json')}: file not found (from --config)`,
    );
    expect(errorOf(() => loadConnectorsConfig({ env: { INCIDENTS_CONFIG: 'nope.json' }, cwd: dir }))).toMatch(
      /nope\.json: file not found \(from INCIDENTS_CONFIG\)/,
    );
  });

  it('names the file and the JSON path that is wrong, never the secret', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{ "connectors": ', /bad\.json: not valid JSON/],
      [[], /bad\.json: \$: expected an object/],
      [{}, /bad\.json: connectors: required/],
      [
        {
          connectors: {
            jira: {
              options: { baseUrl: 'https://a.atlassian.net', auth: { email: 'a@b.c', apiToken: 'pl41n-secret' } },
            },
          },
        },
        /bad\.json: connectors\.jira\.options\.auth\.apiToken: a secret must be an environment reference such as "\$\{INCIDENTS_JIRA_API_TOKEN\}"/,
      ],
      [
        {
          connectors: {
            jira: {
              options: {
                baseUrl: 'https://a.atlassian.net',
                auth: { email: 'a@b.c', apiToken: ref('NOT_SET_ANYWHERE') },
              },
            },
          },
        },
        /bad\.json: connectors\.jira\.options\.auth\.apiToken: environment variable NOT_SET_ANYWHERE is not set/,
      ],
      [
        { connectors: { jira: { options: { baseUrl: 'not a url', auth: { bearerToken: ref('JIRA_TOKEN') } } } } },
        /bad\.json: connectors\.jira\.options\.baseUrl: expected an http\(s\) URL/,
      ],
      [
        { connectors: { jira: { options: { baseURL: 'https://a', auth: { bearerToken: ref('JIRA_TOKEN') } } } } },
        /connectors\.jira\.options\.baseURL: unknown option for jira.*connectors\.jira\.options\.baseUrl: required/,
      ],
      [
        { connectors: { jira: { options: { baseUrl: 'https://a.atlassian.net', auth: { email: 'a@b.c' } } } } },
        /connectors\.jira\.options\.auth\.apiToken: required with options\.auth\.email/,
      ],
      [{ connectors: { status: { type: 'jira', options: {} } } }, /connectors\.status: "status" is reserved/],
      [{ connectors: { ops: { options: {} } } }, /connectors\.ops\.type: required; expected one of jira, servicenow/],
      [{ connectors: { ops: { type: 'github', options: {} } } }, /connectors\.ops\.type: unknown type/],
      [{ connectors: { ops: { type: 'slack', secret: 'x', options: {} } } }, /connectors\.ops\.secret: unknown key/],
      [{ connectors: { 'Bad Name': { type: 'slack' } } }, /connectors\.Bad Name: a connector name is/],
      [
        { connectors: { sc: { type: 'shortcut', options: { apiToken: ref('JIRA_TOKEN'), pageSize: 251 } } } },
        /connectors\.sc\.options\.pageSize: expected a whole number from 1 to 250/,
      ],
    ];
    for (const [content, expected] of cases) {
      const path = writeJson(join(dir, 'bad.json'), content);
      const message = errorOf(() => loadConnectorsConfig({ env: { JIRA_TOKEN: 'jira-secret' }, cwd: dir, file: path }));
      expect(message).toMatch(expected);
      expect(message).not.toMatch(/pl41n-secret|jira-secret/);
    }
  });
});

describe('buildConnectors', () => {
  let jira: JiraServer;
  const creds = { email: 'bot@acme.com', apiToken: 'jira-secret' };
  beforeEach(async () => {
    jira = await startJiraServer(creds);
  });
  afterEach(async () => {
    await jira.close();
  });

  it('builds every type, under its configured name, and the connector talks to the vendor', async () => {
    jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const path = writeJson(join(dir, 'connectors.json'), {
      connectors: {
        'jira-eu': { type: 'jira', options: { baseUrl: jira.url, auth: { email: creds.email, apiToken: ref('T') } } },
      },
    });
    const config = loadConnectorsConfig({ env: { T: creds.apiToken }, cwd: dir, file: path });
    const [connector] = buildConnectors(Object.values(config.connectors));
    if (!connector) throw new Error('no connector built');
    expect(connector).toMatchObject({ name: 'jira-eu', sourceSystem: 'JIRA' });
    const pages = [];
    for await (const page of connector.pull()) pages.push(page);
    expect(pages.flatMap((p) => p.items.map((i) => i.external_id))).toEqual(['OPS-1']);

    expect(Object.keys(CONNECTOR_FACTORIES)).toEqual([...CONNECTOR_TYPES]);
    const all = loadConnectorsConfig({
      cwd: dir,
      env: {
        INCIDENTS_JIRA_BASE_URL: 'https://a.atlassian.net',
        INCIDENTS_JIRA_BEARER_TOKEN: 'x',
        INCIDENTS_SERVICENOW_BASE_URL: 'https://a.service-now.com',
        INCIDENTS_SERVICENOW_BEARER_TOKEN: 'x',
        INCIDENTS_REMEDY_BASE_URL: 'https://a.onbmc.com',
        INCIDENTS_REMEDY_USERNAME: 'u',
        INCIDENTS_REMEDY_PASSWORD: 'p',
        INCIDENTS_ZENDESK_SUBDOMAIN: 'acme',
        INCIDENTS_ZENDESK_BEARER_TOKEN: 'x',
        INCIDENTS_SLACK_BOT_TOKEN: 'xoxb-1',
        INCIDENTS_SLACK_CHANNEL_ID: 'C1',
        INCIDENTS_SHORTCUT_API_TOKEN: 'x',
      },
    });
    expect(buildConnectors(Object.values(all.connectors)).map((c) => [c.name, c.sourceSystem])).toEqual([
      ['jira', 'JIRA'],
      ['servicenow', 'SERVICENOW'],
      ['remedy', 'REMEDY'],
      ['zendesk', 'ZENDESK'],
      ['slack', 'SLACK'],
      ['shortcut', 'SHORTCUT'],
    ]);
    expect(buildConnectors(Object.values(all.connectors), { only: ['slack', 'jira'] }).map((c) => c.name)).toEqual([
      'slack',
      'jira',
    ]);
    expect(errorOf(() => buildConnectors(Object.values(all.connectors), { only: ['github'] }))).toMatch(
      /Unknown connector github; configured: jira, servicenow, remedy, zendesk, slack, shortcut/,
    );
  });

  it('redacts the value of every secret reference from the errors of the connector, wherever it is used', async () => {
    jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    const gatewayKey = 'gw-k3y/0f+the=proxy';
    const path = writeJson(join(dir, 'connectors.json'), {
      connectors: {
        jira: {
          options: {
            baseUrl: jira.url,
            auth: { email: creds.email, apiToken: ref('T') },
            // Not a secret path, but a variable named like a secret.
            userAgent: `incidents-sync (gateway ${ref('GATEWAY_API_KEY')})`,
            retry: { maxRetries: 0 },
          },
        },
      },
    });
    const config = loadConnectorsConfig({
      env: { T: creds.apiToken, GATEWAY_API_KEY: gatewayKey },
      cwd: dir,
      file: path,
    });
    expect(config.connectors.jira?.options.redact).toEqual([creds.apiToken, gatewayKey]);
    const [connector] = buildConnectors(Object.values(config.connectors));
    if (!connector) throw new Error('no connector built');
    // A vendor error page that echoes the request headers.
    jira.failNext('/rest/api/3/search/jql', (req) => ({
      status: 400,
      body: { errorMessages: [`bad request from ${String(req.headers['user-agent'])}`] },
    }));
    const err = await (async () => {
      for await (const _ of connector.pull()) void _;
    })().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain('bad request from incidents-sync (gateway [REDACTED])');
    expect(JSON.stringify(err)).not.toContain(gatewayKey);
    expect(err?.message).not.toContain(encodeURIComponent(gatewayKey));
  });

  it('checks options it is given directly (the Lambda path)', () => {
    expect(
      errorOf(() => buildConnector('zd', { type: 'zendesk', options: { baseUrl: 'https://a.zendesk.com' } })),
    ).toBe(
      'Invalid connector configuration: connectors.zd.options.auth: required (connectors.zd.options.auth.email + connectors.zd.options.auth.apiToken, or connectors.zd.options.auth.bearerToken, or connectors.zd.options.auth.oauth)',
    );
    expect(
      buildConnector(
        'zd',
        { type: 'zendesk', options: { baseUrl: 'https://a.zendesk.com' } },
        { auth: { bearerToken: 'x' } },
      ).name,
    ).toBe('zd');
  });
});

describe('OAuth 2.0 settings', () => {
  it('reads INCIDENTS_<SYSTEM>_OAUTH_* into auth.oauth (Slack: oauth) and names a missing field by its variable', () => {
    const env = {
      INCIDENTS_JIRA_BASE_URL: 'https://acme.atlassian.net',
      INCIDENTS_JIRA_OAUTH_CLIENT_ID: 'client',
      INCIDENTS_JIRA_OAUTH_CLIENT_SECRET: 'cl1ent-s3cret',
      INCIDENTS_JIRA_OAUTH_REFRESH_TOKEN: 'r3fresh',
      INCIDENTS_JIRA_OAUTH_CLOUD_ID: 'cloud-1',
      INCIDENTS_SLACK_CHANNEL_ID: 'C024BE91L',
      INCIDENTS_SLACK_OAUTH_CLIENT_ID: 'client',
      INCIDENTS_SLACK_OAUTH_CLIENT_SECRET: 'cl1ent-s3cret',
      INCIDENTS_SLACK_OAUTH_REFRESH_TOKEN: 'xoxe-1-r3fresh',
    };
    const config = loadConnectorsConfig({ env, home: '/nonexistent-incidents-home' });
    expect(config.connectors.jira?.options.auth).toEqual({
      oauth: { clientId: 'client', clientSecret: 'cl1ent-s3cret', refreshToken: 'r3fresh', cloudId: 'cloud-1' },
    });
    expect(config.connectors.slack?.options.oauth).toEqual({
      clientId: 'client',
      clientSecret: 'cl1ent-s3cret',
      refreshToken: 'xoxe-1-r3fresh',
    });
    const missing = () =>
      loadConnectorsConfig({
        env: {
          INCIDENTS_ZENDESK_SUBDOMAIN: 'acme',
          INCIDENTS_ZENDESK_OAUTH_CLIENT_ID: 'client',
          INCIDENTS_ZENDESK_OAUTH_CLIENT_SECRET: 'cl1ent-s3cret',
        },
        home: '/nonexistent-incidents-home',
      });
    expect(missing).toThrow(/INCIDENTS_ZENDESK_OAUTH_TOKEN_URL: required with INCIDENTS_ZENDESK_OAUTH_\*/);
    expect(missing).not.toThrow(/cl1ent-s3cret/);
  });
});

describe('loadConnectorsConfig: webhook secrets', () => {
  it('reads INCIDENTS_<SYSTEM>_WEBHOOK_SECRET (and ServiceNow WEBHOOK_USERNAME) as the webhook endpoint, not a factory option', () => {
    const config = loadConnectorsConfig({
      cwd: dir,
      env: {
        INCIDENTS_JIRA_BASE_URL: 'https://acme.atlassian.net',
        INCIDENTS_JIRA_EMAIL: 'bot@acme.com',
        INCIDENTS_JIRA_API_TOKEN: 'jira-secret',
        INCIDENTS_JIRA_WEBHOOK_SECRET: 'jira-hook-secret',
        INCIDENTS_SERVICENOW_BASE_URL: 'https://acme.service-now.com',
        INCIDENTS_SERVICENOW_BEARER_TOKEN: 'sn-secret',
        INCIDENTS_SERVICENOW_WEBHOOK_SECRET: 'sn-hook-secret',
        INCIDENTS_SERVICENOW_WEBHOOK_USERNAME: 'hook',
      },
    });
    expect(config.connectors.jira?.webhook).toEqual({ secret: 'jira-hook-secret' });
    expect(config.connectors.jira?.options).not.toHaveProperty('webhookSecret');
    expect(config.connectors.servicenow?.webhook).toEqual({ secret: 'sn-hook-secret', username: 'hook' });
    expect(connectorEnvVariables('slack')).toContain('INCIDENTS_SLACK_WEBHOOK_SECRET');
    // The connector still builds: the webhook secret is no option of its factory.
    expect(buildConnector('jira', config.connectors.jira as NonNullable<typeof config.connectors.jira>).name).toBe(
      'jira',
    );
  });

  it('a webhook secret for Remedy (no webhooks) is an unknown variable, named', () => {
    const message = errorOf(() =>
      loadConnectorsConfig({
        cwd: dir,
        env: {
          INCIDENTS_REMEDY_BASE_URL: 'https://acme-restapi.onbmc.com',
          INCIDENTS_REMEDY_USERNAME: 'svc',
          INCIDENTS_REMEDY_PASSWORD: 'remedy-secret',
          INCIDENTS_REMEDY_WEBHOOK_SECRET: 'nope',
          INCIDENTS_JIRA_WEBHOOK_SECRETS: 'typo',
        },
      }),
    );
    expect(message).toContain('INCIDENTS_REMEDY_WEBHOOK_SECRET: unknown variable');
    expect(message).toContain('INCIDENTS_JIRA_WEBHOOK_SECRETS');
    expect(message).not.toContain('nope');
  });

  it('in the file, webhookSecret must be an environment reference; the expanded value is the endpoint secret', () => {
    const file = writeJson(join(dir, 'connectors.json'), {
      connectors: {
        zd: {
          type: 'zendesk',
          options: {
            baseUrl: 'https://acme.zendesk.com',
            auth: { email: 'a@acme.com', apiToken: ref('ZD_TOKEN') },
            webhookSecret: ref('ZD_HOOK'),
          },
        },
      },
    });
    const config = loadConnectorsConfig({ cwd: dir, file, env: { ZD_TOKEN: 'zd-secret', ZD_HOOK: 'zd-hook-secret' } });
    expect(config.connectors.zd?.webhook).toEqual({ secret: 'zd-hook-secret' });
    expect(config.connectors.zd?.options).not.toHaveProperty('webhookSecret');

    writeJson(file, {
      connectors: {
        zd: {
          type: 'zendesk',
          options: {
            baseUrl: 'https://acme.zendesk.com',
            auth: { email: 'a@acme.com', apiToken: ref('ZD_TOKEN') },
            webhookSecret: 'plain-hook-secret',
          },
        },
      },
    });
    const message = errorOf(() => loadConnectorsConfig({ cwd: dir, file, env: { ZD_TOKEN: 'zd-secret' } }));
    expect(message).toContain('connectors.zd.options.webhookSecret: a secret must be an environment reference');
    expect(message).toContain('INCIDENTS_ZENDESK_WEBHOOK_SECRET');
    expect(message).not.toContain('plain-hook-secret');
    writeJson(file, {
      connectors: {
        zd: {
          type: 'zendesk',
          options: {
            baseUrl: 'https://acme.zendesk.com',
            auth: { email: 'a@acme.com', apiToken: ref('ZD_TOKEN') },
            webhookSecret: ref('ZD_HOOK_UNSET'),
          },
        },
      },
    });
    expect(errorOf(() => loadConnectorsConfig({ cwd: dir, file, env: { ZD_TOKEN: 'zd-secret' } }))).toContain(
      'environment variable ZD_HOOK_UNSET is not set',
    );
  });
});

describe('connector options: the connectors own schemas decide', () => {
  it('a value the connector does not accept is refused by the config, naming the variable (Slack rate tier)', () => {
    const message = errorOf(() =>
      loadConnectorsConfig({
        cwd: dir,
        env: {
          INCIDENTS_SLACK_BOT_TOKEN: 'xoxb-secret',
          INCIDENTS_SLACK_CHANNEL_ID: 'C1',
          INCIDENTS_SLACK_RATE_TIER: 'fast',
        },
      }),
    );
    expect(message).toContain('INCIDENTS_SLACK_RATE_TIER: expected standard or non-marketplace');
    expect(message).not.toContain('xoxb-secret');
  });

  it('limits come from the connector: Remedy pageSize up to REMEDY_MAX_PAGE_SIZE, Shortcut up to 250', async () => {
    const { REMEDY_MAX_PAGE_SIZE, SHORTCUT_MAX_PAGE_SIZE } = await import('@incidents/connectors/options');
    const env = {
      INCIDENTS_REMEDY_BASE_URL: 'https://acme-restapi.onbmc.com',
      INCIDENTS_REMEDY_USERNAME: 'svc',
      INCIDENTS_REMEDY_PASSWORD: 'remedy-secret',
      INCIDENTS_REMEDY_PAGE_SIZE: String(REMEDY_MAX_PAGE_SIZE + 1),
    };
    expect(errorOf(() => loadConnectorsConfig({ cwd: dir, env }))).toContain(
      `INCIDENTS_REMEDY_PAGE_SIZE: expected a whole number from 1 to ${REMEDY_MAX_PAGE_SIZE}`,
    );
    const ok = loadConnectorsConfig({
      cwd: dir,
      env: { INCIDENTS_SHORTCUT_API_TOKEN: 'sc-secret', INCIDENTS_SHORTCUT_PAGE_SIZE: String(SHORTCUT_MAX_PAGE_SIZE) },
    });
    expect(ok.connectors.shortcut?.options.pageSize).toBe(250);
  });
});
