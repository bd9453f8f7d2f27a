/**
 * One fixture per connector: its local vendor server, a connector with known secrets, a record to
 * seed, and the paths of its pull, login and comment push. Shared by the cross-connector tests.
 */
import type { Connector } from '../src/connector.js';
import { createJiraConnector } from '../src/jira/index.js';
import { createRemedyConnector } from '../src/remedy/index.js';
import { createServiceNowConnector } from '../src/servicenow/index.js';
import { createShortcutConnector } from '../src/shortcut/index.js';
import { createSlackConnector } from '../src/slack/index.js';
import { createZendeskConnector } from '../src/zendesk/index.js';
import type { RetryOptions } from '../src/http/retry.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';
import { makeRemedyEntry, startRemedyServer } from '@incidents/test-support/servers/remedy-server';
import { makeSnRecord, startServiceNowServer } from '@incidents/test-support/servers/servicenow-server';
import { makeScStory, startShortcutServer } from '@incidents/test-support/servers/shortcut-server';
import { startSlackServer } from '@incidents/test-support/servers/slack-server';
import { dumpRequest, type FaultReply, type VendorServer } from '@incidents/test-support/servers/vendor-server';
import { makeZdTicket, startZendeskServer } from '@incidents/test-support/servers/zendesk-server';

export interface Fixture {
  /** The method of the comment push request. */
  pushMethod: string;
  server: VendorServer;
  connector: Connector;
  /** Secret values (verbatim). */
  secrets: string[];
  /** `user:password` pairs sent as HTTP Basic. */
  basicPairs: string[];
  seed(): void;
  pullPath: string;
  pushPath: string;
  /** Extra echo replies in this vendor's own error shape. */
  vendorEchoes: FaultReply[];
  /** A path answered before the pull (a login), also echoed. */
  loginPath?: string;
}

export const FIXTURES: Record<string, (retry?: RetryOptions) => Promise<Fixture>> = {
  jira: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const creds = { email: 'bot@example.com', apiToken: 'ATATT3x/Jira+tok=en_s3cr3t' };
    const s = await startJiraServer(creds);
    return {
      server: s,
      connector: createJiraConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.apiToken],
      basicPairs: [`${creds.email}:${creds.apiToken}`],
      seed: () => s.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z')),
      pullPath: '/rest/api/3/search/jql',
      pushPath: '/rest/api/3/issue/',
      pushMethod: 'POST',
      vendorEchoes: [],
    };
  },
  servicenow: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const creds = { username: 'sync.user', password: 'p4ss/w0rd+S3cr3t!' };
    const s = await startServiceNowServer(creds);
    return {
      server: s,
      connector: createServiceNowConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.password],
      basicPairs: [`${creds.username}:${creds.password}`],
      seed: () => s.records.push(makeSnRecord(1, '2026-02-01 10:00:00')),
      pullPath: '/api/now/table/incident',
      pushPath: '/api/now/table/incident/',
      pushMethod: 'PATCH',
      vendorEchoes: [(req) => ({ status: 400, body: { error: { message: dumpRequest(req), detail: '' } } })],
    };
  },
  remedy: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const creds = { username: 'Demo', password: 'rem&edy pw/s3cr3t=' };
    const s = await startRemedyServer(creds);
    return {
      server: s,
      connector: createRemedyConnector({ baseUrl: s.url, auth: creds, retry }),
      // The AR-JWT tokens the server issued are secrets too.
      get secrets() {
        return [creds.password, ...s.tokens];
      },
      basicPairs: [],
      seed: () => s.entries.push(makeRemedyEntry(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/arsys/v1/entry/HPD:Help Desk',
      pushPath: '/api/arsys/v1/entry/HPD:WorkLog',
      pushMethod: 'POST',
      loginPath: '/api/jwt/login',
      vendorEchoes: [
        (req) => ({ status: 400, body: [{ messageType: 'ERROR', messageText: dumpRequest(req), messageNumber: 1 }] }),
      ],
    };
  },
  zendesk: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const creds = { email: 'agent@example.com', apiToken: 'zd+tok/en=s3cr3t' };
    const s = await startZendeskServer(creds);
    return {
      server: s,
      connector: createZendeskConnector({ baseUrl: s.url, auth: creds, retry }),
      secrets: [creds.apiToken],
      basicPairs: [`${creds.email}/token:${creds.apiToken}`],
      seed: () => s.tickets.push(makeZdTicket(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/v2/incremental/tickets/cursor.json',
      pushPath: '/api/v2/tickets/',
      pushMethod: 'PUT',
      vendorEchoes: [],
    };
  },
  slack: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const token = 'xoxb-1234-5678-s3cr3tT0ken';
    const channelId = 'C024BE91L';
    const s = await startSlackServer(token, channelId);
    return {
      server: s,
      connector: createSlackConnector({ token, channelId, baseUrl: `${s.url}/api/`, retry }),
      secrets: [token],
      basicPairs: [],
      seed: () => s.messages.push({ ts: '1770000060.000100', user: 'U1', text: 'report 1' }),
      pullPath: '/api/conversations.history',
      pushPath: '/api/chat.postMessage',
      pushMethod: 'POST',
      // Slack answers HTTP 200 with { ok: false, error }.
      vendorEchoes: [
        (req) => ({ body: { ok: false, error: dumpRequest(req) } }),
        (req) => ({ body: { ok: false, error: 'invalid_auth', warning: dumpRequest(req) } }),
      ],
    };
  },
  shortcut: async (retry = { baseDelayMs: 1, maxRetries: 0 }) => {
    const token = 'sc-t0ken/s3cr3t+x';
    const s = await startShortcutServer(token);
    return {
      server: s,
      connector: createShortcutConnector({ baseUrl: s.url, apiToken: token, retry }),
      secrets: [token],
      basicPairs: [],
      seed: () => s.stories.push(makeScStory(1, '2026-02-01T10:00:00Z')),
      pullPath: '/api/v3/search/stories',
      pushPath: '/api/v3/stories/1/comments',
      pushMethod: 'POST',
      vendorEchoes: [],
    };
  },
};
