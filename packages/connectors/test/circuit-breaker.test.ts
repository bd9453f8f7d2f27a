/**
 * The circuit breaker: a vendor failing again and again (5xx after the retries) pauses the
 * connector — later requests fail at once without reaching it — and one request after the pause
 * closes the circuit again when the vendor is back.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from './cleanup.js';
import { isConnectorError } from '../src/errors.js';
import { createJiraConnector } from '../src/jira/index.js';
import { makeJiraIssue, startJiraServer } from '@incidents/test-support/servers/jira-server';

const creds = { email: 'bot@example.com', apiToken: 'jira-t0ken' };
const closers = closeAfterEach();

async function drain(connector: ReturnType<typeof createJiraConnector>) {
  try {
    for await (const _page of connector.pull({})) {
      // read every page
    }
    return null;
  } catch (err) {
    return err;
  }
}

describe('circuit breaker', () => {
  it('3 vendor failures in a row pause the connector for the cooldown; after it one request closes the circuit', async () => {
    const jira = await startJiraServer(creds);
    closers.push(() => jira.close());
    jira.issues.push(makeJiraIssue(1, '2026-02-01T10:00:00.000Z'));
    let now = 1_000_000;
    const connector = createJiraConnector({
      baseUrl: jira.url,
      auth: creds,
      timeZone: 'UTC',
      retry: { baseDelayMs: 1, maxRetries: 0 },
      circuitBreaker: { failures: 3, cooldownMs: 60_000, now: () => now },
    });
    const down = { status: 503, body: { errorMessages: ['Service unavailable'] } };
    jira.failNext('/rest/api/3/search/jql', down, down, down, down);
    for (let i = 0; i < 3; i++) {
      const err = await drain(connector);
      expect(isConnectorError(err) && err.details.status).toBe(503);
    }
    const sent = jira.requestsTo('/rest/api/3/search/jql').length;
    const paused = await drain(connector);
    expect(isConnectorError(paused) && paused.message).toMatch(/paused for 60 s after 3 vendor failures in a row/);
    expect(isConnectorError(paused) && paused.details.retryAfterMs).toBe(60_000);
    expect(jira.requestsTo('/rest/api/3/search/jql')).toHaveLength(sent);

    // After the pause one request goes through; it fails again: paused again at once.
    now += 60_001;
    expect(isConnectorError(await drain(connector)) && jira.requestsTo('/rest/api/3/search/jql').length).toBe(sent + 1);
    expect((await drain(connector)) as Error).toHaveProperty('message', expect.stringMatching(/paused/));

    // The vendor is back: the next request after the pause succeeds and closes the circuit.
    now += 60_001;
    expect(await drain(connector)).toBeNull();
    expect(await drain(connector)).toBeNull();
  });

  it('answers about the request (4xx) reset the count; circuitBreaker: false never pauses', async () => {
    const jira = await startJiraServer(creds);
    closers.push(() => jira.close());
    const down = { status: 502, body: 'Bad gateway' };
    const bad = { status: 400, body: { errorMessages: ['The value OPS does not exist for the field project.'] } };
    const connector = createJiraConnector({
      baseUrl: jira.url,
      auth: creds,
      timeZone: 'UTC',
      retry: { baseDelayMs: 1, maxRetries: 0 },
      circuitBreaker: { failures: 2, cooldownMs: 60_000 },
    });
    jira.failNext('/rest/api/3/search/jql', down, bad, down, bad);
    for (const status of [502, 400, 502, 400]) {
      const err = await drain(connector);
      expect(isConnectorError(err) && err.details.status).toBe(status);
    }
    const off = createJiraConnector({
      baseUrl: jira.url,
      auth: creds,
      timeZone: 'UTC',
      retry: { baseDelayMs: 1, maxRetries: 0 },
      circuitBreaker: false,
    });
    jira.failNext('/rest/api/3/search/jql', down, down, down, down, down, down);
    for (let i = 0; i < 6; i++) expect(isConnectorError(await drain(off)) && 'sent').toBe('sent');
    expect(jira.requestsTo('/rest/api/3/search/jql')).toHaveLength(10);
  });
});
