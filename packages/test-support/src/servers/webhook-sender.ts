/**
 * The vendors' side of a webhook: builds a delivery in each vendor's published payload shape and
 * headers, signed the way that vendor signs it, and posts it. A retried delivery keeps its delivery
 * id (Jira's `X-Atlassian-Webhook-Identifier`, Zendesk's invocation id, Slack's `event_id`,
 * Shortcut's event `id`); Slack and Zendesk sign each attempt again with a fresh timestamp.
 */
import { createHmac, randomUUID } from 'node:crypto';

/**
 * The vendors whose webhooks `@incidents/connectors` verifies (its `WebhookVendor`; restated here
 * because test support may not depend on the package it tests — the connectors' tests pass their own
 * `WebhookVendor` values, so a vendor added there and not here fails their type check).
 */
export type WebhookVendor = 'jira' | 'servicenow' | 'zendesk' | 'slack' | 'shortcut';

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryOptions {
  /** The vendor's delivery id (kept on retries). */
  deliveryId?: string;
  /** When the vendor signs (Slack, Zendesk timestamps). Default now. */
  at?: Date;
  /** Retry number (adds the vendor's retry header). */
  retry?: number;
}

const hex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const b64 = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64');

/** A delivery for record `id` (Jira key, Zendesk ticket id, Slack ts, Shortcut story id, ServiceNow sys_id). */
export function signedDelivery(
  vendor: WebhookVendor,
  secret: string,
  id: string,
  options: DeliveryOptions = {},
): Delivery {
  const at = options.at ?? new Date();
  const deliveryId = options.deliveryId ?? randomUUID();
  switch (vendor) {
    case 'jira': {
      const body = JSON.stringify({
        timestamp: at.getTime(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Ana' },
        issue: {
          id: '10001',
          key: id,
          self: `https://acme.atlassian.net/rest/api/3/issue/10001`,
          fields: { summary: 'Payments down', status: { name: 'In Progress' }, updated: at.toISOString() },
        },
        changelog: { id: '10100', items: [{ field: 'status', fromString: 'To Do', toString: 'In Progress' }] },
      });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-atlassian-webhook-identifier': deliveryId,
          'x-atlassian-webhook-flow': 'Primary',
          ...(options.retry ? { 'x-atlassian-webhook-retry': String(options.retry) } : {}),
          'x-hub-signature': `sha256=${hex(secret, body)}`,
        },
      };
    }
    case 'zendesk': {
      const body = JSON.stringify({
        account_id: 10_001,
        detail: { id, status: 'OPEN', subject: 'Payments down', updated_at: at.toISOString() },
        event: { current: 'OPEN', previous: 'NEW' },
        id: randomUUID(),
        subject: `zen:ticket:${id}`,
        time: at.toISOString(),
        type: 'zen:event-type:ticket.status_changed',
        zendesk_event_version: '2022-11-06',
      });
      const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-zendesk-webhook-id': '01GZ1W6X8YQ7M8ZB5J8T7C9V6K',
          'x-zendesk-webhook-invocation-id': deliveryId,
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': b64(secret, timestamp + body),
        },
      };
    }
    case 'slack': {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: 'T0001',
        api_app_id: 'A0001',
        event: {
          type: 'message',
          channel: 'C024BE91L',
          user: 'U1',
          text: 'report 1',
          ts: id,
          event_ts: id,
          channel_type: 'channel',
        },
        type: 'event_callback',
        event_id: deliveryId,
        event_time: Math.floor(at.getTime() / 1000),
      });
      const ts = String(Math.floor(at.getTime() / 1000));
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': `v0=${hex(secret, `v0:${ts}:${body}`)}`,
          ...(options.retry
            ? { 'x-slack-retry-num': String(options.retry), 'x-slack-retry-reason': 'http_timeout' }
            : {}),
        },
      };
    }
    case 'shortcut': {
      const body = JSON.stringify({
        id: deliveryId,
        changed_at: at.toISOString(),
        version: 'v1',
        primary_id: Number(id),
        member_id: '5b10ac8d-0000-4000-8000-000000000001',
        actions: [
          {
            id: Number(id),
            entity_type: 'story',
            action: 'update',
            name: 'Payments down',
            story_type: 'bug',
            app_url: `https://app.shortcut.com/acme/story/${id}`,
            changes: { workflow_state_id: { new: 500000011, old: 500000008 } },
          },
        ],
        references: [{ id: 500000011, entity_type: 'workflow-state', name: 'In Progress', type: 'started' }],
      });
      return {
        body,
        headers: { 'content-type': 'application/json', 'payload-signature': hex(secret, body) },
      };
    }
    case 'servicenow': {
      const body = JSON.stringify({
        sys_id: id,
        number: 'INC0010001',
        sys_updated_on: at.toISOString().slice(0, 19).replace('T', ' '),
        state: '2',
      });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`incidents.webhook:${secret}`).toString('base64')}`,
        },
      };
    }
  }
}

/** Posts a delivery; returns the status and the JSON body of the answer. */
export async function post(
  url: string,
  delivery: Delivery,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
