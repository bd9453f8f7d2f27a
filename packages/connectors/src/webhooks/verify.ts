/**
 * Signature checks of the vendors' webhooks, each in the vendor's published scheme, over the raw
 * request body (never a re-serialised JSON), compared in constant time.
 *
 * | vendor | what is signed | header(s) | delivery id |
 * |---|---|---|---|
 * | Jira Cloud (admin webhook with a secret) | HMAC-SHA256 of the body, hex, `sha256=` prefix (WebSub) | `X-Hub-Signature` | `X-Atlassian-Webhook-Identifier` (unchanged across retries) |
 * | Zendesk | base64 HMAC-SHA256 of timestamp + body | `X-Zendesk-Webhook-Signature`, `X-Zendesk-Webhook-Signature-Timestamp` | `X-Zendesk-Webhook-Invocation-Id`, else the event's `id` |
 * | Slack (Events API) | hex HMAC-SHA256 of `v0:<timestamp>:<body>`, `v0=` prefix; timestamp within 5 minutes | `X-Slack-Signature`, `X-Slack-Request-Timestamp` | the body's `event_id` |
 * | Shortcut | hex HMAC-SHA256 of the body | `Payload-Signature` | the body's `id` |
 * | ServiceNow (outbound REST message) | no signature: a shared secret, as HTTP Basic password or Bearer token | `Authorization` | the body's `delivery_id`, else `sys_id` + `sys_updated_on` |
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncidentsError } from '@incidents/core';

/** The vendors whose webhooks the intake verifies. */
export const WEBHOOK_VENDORS = ['jira', 'servicenow', 'zendesk', 'slack', 'shortcut'] as const;
/** A vendor whose webhooks the intake verifies. */
export type WebhookVendor = (typeof WEBHOOK_VENDORS)[number];

/** Default window of a signed timestamp (Slack's documented 5 minutes). */
export const DEFAULT_WEBHOOK_TOLERANCE_MS = 5 * 60_000;

/** Codes of {@link WebhookError}. */
export type WebhookErrorCode = 'webhook.unauthorized' | 'webhook.invalid' | 'webhook.unknown_endpoint';

/** A refused webhook delivery. `details.status` is the HTTP status to answer with; never holds the secret. */
export class WebhookError extends IncidentsError<{ status: number; connector?: string }> {
  declare readonly code: WebhookErrorCode;

  constructor(code: WebhookErrorCode, message: string, details: { status: number; connector?: string }) {
    super(code, message, { details });
    this.name = 'WebhookError';
  }
}

/** A webhook request as received: lower- or mixed-case headers and the raw body. */
export interface WebhookRequest {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body exactly as received (signatures are computed over these bytes). */
  body: string;
}

/** A delivery whose signature was verified. */
export interface VerifiedDelivery {
  /** The vendor's id of this delivery (the same on a retried delivery). */
  deliveryId: string;
  /** The event (`jira:issue_updated`, `zen:event-type:ticket.status_changed`, `message`…). */
  event: string;
  /** Ids of the records the event concerns, when the payload names them. */
  externalIds: string[];
  /** Slack's URL verification: answer with this challenge, nothing is pulled. */
  challenge?: string;
}

/** Secret and options of one webhook endpoint. */
export interface WebhookSecretOptions {
  /** The signing secret (Jira, Zendesk, Slack, Shortcut) or shared secret (ServiceNow). From env / a secret store only. */
  secret: string;
  /** ServiceNow: the Basic user name the outbound REST message sends (any user name when omitted). */
  username?: string;
  /** Window of a signed timestamp (Slack, Zendesk). Default 5 minutes. */
  toleranceMs?: number;
}

function header(request: WebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const v = Array.isArray(value) ? value[0] : value;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** Constant-time comparison of two strings (false on different lengths, without leaking where). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text, 'utf8');

const refuse = (vendor: WebhookVendor, why: string) =>
  new WebhookError('webhook.unauthorized', `${vendor} webhook refused: ${why}`, { status: 401 });
const invalid = (vendor: WebhookVendor, why: string) =>
  new WebhookError('webhook.invalid', `${vendor} webhook refused: ${why}`, { status: 400 });

function parseJson(vendor: WebhookVendor, body: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid(vendor, 'the body is not a JSON object');
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function withinWindow(vendor: WebhookVendor, signedAtMs: number, nowMs: number, toleranceMs: number) {
  if (!Number.isFinite(signedAtMs)) throw refuse(vendor, 'the signature timestamp is not a date');
  if (Math.abs(nowMs - signedAtMs) > toleranceMs) {
    throw refuse(vendor, 'the signature timestamp is outside the accepted window (a replayed request?)');
  }
}

function verifyJira(request: WebhookRequest, options: WebhookSecretOptions): VerifiedDelivery {
  const signature = header(request, 'x-hub-signature');
  if (!signature) throw refuse('jira', 'no X-Hub-Signature header (register the webhook with a secret)');
  const expected = `sha256=${hmac(options.secret, request.body).digest('hex')}`;
  if (!sameText(signature.trim().toLowerCase(), expected)) throw refuse('jira', 'the signature does not match');
  const body = parseJson('jira', request.body);
  const issue = obj(body.issue);
  const event = str(body.webhookEvent) ?? 'unknown';
  const deliveryId =
    header(request, 'x-atlassian-webhook-identifier') ?? `${event}:${str(issue.id) ?? ''}:${str(body.timestamp) ?? ''}`;
  const key = str(issue.key) ?? str(issue.id);
  return { deliveryId, event, externalIds: key ? [key] : [] };
}

function verifyZendesk(request: WebhookRequest, options: WebhookSecretOptions, nowMs: number): VerifiedDelivery {
  const signature = header(request, 'x-zendesk-webhook-signature');
  const timestamp = header(request, 'x-zendesk-webhook-signature-timestamp');
  if (!signature || !timestamp) throw refuse('zendesk', 'no X-Zendesk-Webhook-Signature / -Timestamp header');
  const expected = hmac(options.secret, timestamp + request.body).digest('base64');
  if (!sameText(signature.trim(), expected)) throw refuse('zendesk', 'the signature does not match');
  withinWindow('zendesk', Date.parse(timestamp), nowMs, options.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS);
  const body = parseJson('zendesk', request.body);
  const detail = obj(body.detail);
  const ticket = obj(body.ticket);
  const id = str(detail.id) ?? str(ticket.id) ?? str(body.ticket_id);
  const deliveryId = header(request, 'x-zendesk-webhook-invocation-id') ?? str(body.id);
  if (!deliveryId) throw invalid('zendesk', 'no delivery id (X-Zendesk-Webhook-Invocation-Id or the event id)');
  return { deliveryId, event: str(body.type) ?? 'unknown', externalIds: id ? [id] : [] };
}

function verifySlack(request: WebhookRequest, options: WebhookSecretOptions, nowMs: number): VerifiedDelivery {
  const signature = header(request, 'x-slack-signature');
  const timestamp = header(request, 'x-slack-request-timestamp');
  if (!signature || !timestamp) throw refuse('slack', 'no X-Slack-Signature / X-Slack-Request-Timestamp header');
  if (!/^\d+$/.test(timestamp)) throw refuse('slack', 'the request timestamp is not a number of seconds');
  // The window is checked first: an old request is refused even when its signature is genuine.
  withinWindow('slack', Number(timestamp) * 1000, nowMs, options.toleranceMs ?? DEFAULT_WEBHOOK_TOLERANCE_MS);
  const expected = `v0=${hmac(options.secret, `v0:${timestamp}:${request.body}`).digest('hex')}`;
  if (!sameText(signature.trim(), expected)) throw refuse('slack', 'the signature does not match');
  const body = parseJson('slack', request.body);
  if (body.type === 'url_verification') {
    const challenge = str(body.challenge) ?? '';
    return { deliveryId: `url_verification:${timestamp}`, event: 'url_verification', externalIds: [], challenge };
  }
  const event = obj(body.event);
  const deliveryId = str(body.event_id);
  if (!deliveryId) throw invalid('slack', 'no event_id');
  const item = obj(event.item);
  const ts = str(event.thread_ts) ?? str(item.ts) ?? str(event.ts);
  const channel = str(event.channel) ?? str(item.channel);
  // The Slack connector's external id is `<channel>:<ts>`.
  const id = ts ? (channel ? `${channel}:${ts}` : ts) : undefined;
  return { deliveryId, event: str(event.type) ?? str(body.type) ?? 'unknown', externalIds: id ? [id] : [] };
}

function verifyShortcut(request: WebhookRequest, options: WebhookSecretOptions): VerifiedDelivery {
  const signature = header(request, 'payload-signature');
  if (!signature) throw refuse('shortcut', 'no Payload-Signature header (set a secret on the webhook)');
  const expected = hmac(options.secret, request.body).digest('hex');
  if (!sameText(signature.trim().toLowerCase(), expected)) throw refuse('shortcut', 'the signature does not match');
  const body = parseJson('shortcut', request.body);
  const deliveryId = str(body.id);
  if (!deliveryId) throw invalid('shortcut', 'no event id');
  const actions = Array.isArray(body.actions) ? body.actions.map(obj) : [];
  const ids = actions.filter((a) => a.entity_type === 'story').flatMap((a) => (str(a.id) ? [str(a.id) as string] : []));
  const first = actions[0];
  return {
    deliveryId,
    event: first ? `${str(first.entity_type) ?? 'entity'}-${str(first.action) ?? 'change'}` : 'unknown',
    externalIds: [...new Set(ids)],
  };
}

function verifyServiceNow(request: WebhookRequest, options: WebhookSecretOptions): VerifiedDelivery {
  const auth = header(request, 'authorization') ?? '';
  let ok = false;
  const [scheme, value = ''] = auth.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : '';
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const userOk = options.username === undefined || sameText(user, options.username);
    ok = sameText(password, options.secret) && userOk;
  } else if (scheme?.toLowerCase() === 'bearer') {
    ok = sameText(value, options.secret);
  }
  if (!ok) throw refuse('servicenow', 'the Authorization header does not carry the shared secret');
  const body = parseJson('servicenow', request.body);
  const record = Object.keys(obj(body.record)).length ? obj(body.record) : body;
  const sysId = str(record.sys_id);
  const deliveryId = str(body.delivery_id) ?? (sysId ? `${sysId}@${str(record.sys_updated_on) ?? ''}` : undefined);
  if (!deliveryId) throw invalid('servicenow', 'no delivery_id nor sys_id in the body');
  return {
    deliveryId,
    event: str(body.event) ?? 'record.updated',
    externalIds: sysId ? [sysId] : [],
  };
}

/**
 * Verifies one webhook delivery in `vendor`'s scheme and reads its delivery id and the records it
 * concerns.
 *
 * @throws WebhookError `webhook.unauthorized` (401: missing or wrong signature, timestamp out of the
 * window) or `webhook.invalid` (400: not JSON, no delivery id). Messages never contain the secret.
 *
 * @example
 * ```ts
 * import { verifyWebhook } from '@incidents/connectors';
 *
 * const delivery = verifyWebhook('shortcut', { headers: req.headers, body: rawBody }, { secret: process.env.SHORTCUT_WEBHOOK_SECRET ?? '' });
 * console.log(delivery.deliveryId, delivery.externalIds);
 * ```
 */
export function verifyWebhook(
  vendor: WebhookVendor,
  request: WebhookRequest,
  options: WebhookSecretOptions,
  now: Date = new Date(),
): VerifiedDelivery {
  if (!options || typeof options.secret !== 'string' || options.secret === '') {
    throw new WebhookError('webhook.unknown_endpoint', `${vendor} webhook has no secret configured`, { status: 404 });
  }
  const nowMs = now.getTime();
  switch (vendor) {
    case 'jira':
      return verifyJira(request, options);
    case 'zendesk':
      return verifyZendesk(request, options, nowMs);
    case 'slack':
      return verifySlack(request, options, nowMs);
    case 'shortcut':
      return verifyShortcut(request, options);
    case 'servicenow':
      return verifyServiceNow(request, options);
    default:
      throw new WebhookError('webhook.unknown_endpoint', `no webhook scheme for ${String(vendor)}`, { status: 404 });
  }
}
