/**
 * The webhook intake: verifies a vendor's signed delivery, drops a delivery already seen (vendors
 * retry, and an attacker may replay a captured request), and starts a pull of that connector through
 * the sync engine — the same path as a scheduled pull, so a webhook never writes anything a pull
 * would not (change detection, conflicts, comments without echo). The scheduled poll stays the
 * safety net for a missed or refused delivery.
 *
 * Pulls are coalesced per connector: deliveries arriving while a pull runs start one more pull after
 * it, not one each.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, isIncidentsError, systemClock } from '@incidents/core';
import type { SyncEngine, SyncRunSummary } from '../engine/options.js';
import {
  type VerifiedDelivery,
  verifyWebhook,
  WEBHOOK_VENDORS,
  WebhookError,
  type WebhookRequest,
  type WebhookSecretOptions,
  type WebhookVendor,
} from './verify.js';

/** One webhook endpoint: the connector it pulls, its vendor scheme and its secret. */
export interface WebhookEndpoint extends WebhookSecretOptions {
  /** The vendor whose signature scheme the deliveries use. */
  vendor: WebhookVendor;
}

/**
 * Remembers delivery ids. `firstSeen` returns `true` the first time a key is seen within `ttlMs`
 * and `false` afterwards. The default keeps them in memory (one process); give a shared one (a
 * Redis `SET NX PX`, a DynamoDB conditional put) when several processes receive webhooks.
 */
export interface WebhookDeliveryLog {
  /** `true` the first time `key` is seen within `ttlMs` (and records it), `false` for a repeat. */
  firstSeen(key: string, ttlMs: number): Promise<boolean> | boolean;
}

/** Options of {@link createWebhookIntake}. */
export interface WebhookIntakeOptions {
  /** The sync engine whose `pull` a verified delivery starts. */
  engine: Pick<SyncEngine, 'pull'>;
  /** The endpoints by connector name (the engine's connector names). */
  endpoints: Readonly<Record<string, WebhookEndpoint>>;
  /** Where delivery ids are remembered. Default: in memory, at most `maxDeliveries`. */
  deliveries?: WebhookDeliveryLog;
  /** How long a delivery id is remembered. Default 24 hours (vendors retry within hours). */
  deliveryTtlMs?: number;
  /** Capacity of the default in-memory delivery log. Default 10,000 ids. */
  maxDeliveries?: number;
  /** Time source of the signature windows and the delivery log. Default the system clock. */
  clock?: Clock;
  /** Called when a pull started by a webhook ends (its summary, or the error). Exceptions are ignored. */
  onPull?: (connector: string, result: { summary?: SyncRunSummary; error?: unknown }) => void;
}

/** What the intake answers a delivery with (status, JSON body) and what it did. */
export interface WebhookResult {
  /** HTTP status: 200 (Slack URL verification), 202 (accepted, a pull is scheduled), 200 (duplicate), 4xx refused. */
  status: number;
  /** The JSON body to answer with (never holds a secret). */
  body: Record<string, unknown>;
  /** `accepted`, `duplicate`, `challenge` or `refused`. */
  outcome: 'accepted' | 'duplicate' | 'challenge' | 'refused';
  /** The verified delivery (absent when refused). */
  delivery?: VerifiedDelivery;
  /** The pull this delivery joined; resolves with its summary (never rejects: errors go to `onPull`). */
  pull?: Promise<SyncRunSummary | undefined>;
}

/** The webhook intake: see {@link createWebhookIntake}. */
export interface WebhookIntake {
  /** Verifies and handles one delivery to `connector`'s endpoint. Never throws for a bad request. */
  receive(connector: string, request: WebhookRequest): Promise<WebhookResult>;
  /** Resolves when every pull started so far has ended. */
  idle(): Promise<void>;
}

/** An in-memory delivery log with expiry, bounded to `max` ids (the oldest go first). */
export function createMemoryDeliveryLog(max = 10_000, clock: Clock = systemClock): WebhookDeliveryLog {
  const seen = new Map<string, number>();
  return {
    firstSeen(key, ttlMs) {
      const now = clock.now().getTime();
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.delete(key);
      seen.set(key, now + ttlMs);
      while (seen.size > max) {
        const oldest = seen.keys().next().value as string;
        seen.delete(oldest);
      }
      return true;
    },
  };
}

/**
 * Creates the webhook intake over a sync engine.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createSyncEngine, createWebhookIntake, createWebhookRequestHandler } from '@incidents/connectors';
 *
 * declare const engine: ReturnType<typeof createSyncEngine>;
 * const intake = createWebhookIntake({
 *   engine,
 *   endpoints: { jira: { vendor: 'jira', secret: process.env.INCIDENTS_JIRA_WEBHOOK_SECRET ?? '' } },
 * });
 * createServer(createWebhookRequestHandler(intake)).listen(8080); // POST /webhooks/jira
 * ```
 */
export function createWebhookIntake(options: WebhookIntakeOptions): WebhookIntake {
  const clock = options.clock ?? systemClock;
  const ttl = options.deliveryTtlMs ?? 24 * 3600_000;
  const deliveries = options.deliveries ?? createMemoryDeliveryLog(options.maxDeliveries ?? 10_000, clock);
  for (const [name, endpoint] of Object.entries(options.endpoints)) {
    if (!WEBHOOK_VENDORS.includes(endpoint?.vendor)) {
      throw new WebhookError(
        'webhook.unknown_endpoint',
        `webhook endpoint ${name}: vendor must be one of ${WEBHOOK_VENDORS.join(', ')}`,
        { status: 500, connector: name },
      );
    }
  }

  /** Per connector: the tail of its pull chain, and the pull waiting to start (joined by new deliveries). */
  const chains = new Map<string, { tail: Promise<unknown>; waiting?: Promise<SyncRunSummary | undefined> }>();

  function schedule(connector: string): Promise<SyncRunSummary | undefined> {
    let chain = chains.get(connector);
    if (!chain) {
      chain = { tail: Promise.resolve() };
      chains.set(connector, chain);
    }
    if (chain.waiting) return chain.waiting;
    const slot = chain;
    const run = slot.tail.then(async () => {
      slot.waiting = undefined;
      try {
        const summary = await options.engine.pull(connector);
        report(connector, { summary });
        return summary;
      } catch (error) {
        report(connector, { error });
        return undefined;
      }
    });
    slot.waiting = run;
    slot.tail = run;
    return run;
  }

  function report(connector: string, result: { summary?: SyncRunSummary; error?: unknown }) {
    try {
      options.onPull?.(connector, result);
    } catch {
      // A callback never breaks the intake.
    }
  }

  return {
    async receive(connector, request) {
      try {
        const endpoint = Object.hasOwn(options.endpoints, connector) ? options.endpoints[connector] : undefined;
        if (!endpoint) {
          throw new WebhookError('webhook.unknown_endpoint', `no webhook endpoint named ${connector}`, {
            status: 404,
            connector,
          });
        }
        const delivery = verifyWebhook(endpoint.vendor, request, endpoint, clock.now());
        if (delivery.challenge !== undefined) {
          return { status: 200, body: { challenge: delivery.challenge }, outcome: 'challenge', delivery };
        }
        const first = await deliveries.firstSeen(`${connector}\u0000${delivery.deliveryId}`, ttl);
        if (!first) {
          return {
            status: 200,
            body: { ok: true, duplicate: true, delivery: delivery.deliveryId },
            outcome: 'duplicate',
            delivery,
          };
        }
        const pull = schedule(connector);
        return {
          status: 202,
          body: { ok: true, delivery: delivery.deliveryId, records: delivery.externalIds },
          outcome: 'accepted',
          delivery,
          pull,
        };
      } catch (err) {
        if (err instanceof WebhookError) {
          return {
            status: err.details.status,
            body: { ok: false, code: err.code, message: err.message },
            outcome: 'refused',
          };
        }
        const code = isIncidentsError(err) ? err.code : 'internal';
        return {
          status: 500,
          body: { ok: false, code, message: 'the delivery could not be handled' },
          outcome: 'refused',
        };
      }
    },
    async idle() {
      for (;;) {
        const tails = [...chains.values()].map((c) => c.tail);
        await Promise.all(tails);
        if ([...chains.values()].every((c, i) => c.tail === tails[i] && !c.waiting)) return;
      }
    },
  };
}

/** Options of {@link createWebhookRequestHandler} and {@link createWebhookFetchHandler}. */
export interface WebhookRequestHandlerOptions {
  /** Path prefix; the connector name follows it (`/webhooks/jira`). Default `/webhooks/`. */
  basePath?: string;
  /** Largest body accepted, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Answer only after the pull the delivery started has ended. Default `false` (vendors want a
   * quick answer); `true` where nothing runs after the answer (a Lambda function).
   */
  waitForPull?: boolean;
  /**
   * Called with each delivery's result before the answer (and, with `waitForPull`, the summary of
   * the pull it started): logs and metrics. The result holds no secret; exceptions are ignored.
   */
  onResult?: (connector: string, result: WebhookResult, summary?: SyncRunSummary) => void | Promise<void>;
}

/** One answer of the request handlers: status, JSON body, extra headers. */
interface HandlerReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const refused = (status: number, code: string, message: string, headers?: Record<string, string>): HandlerReply => ({
  status,
  body: { ok: false, code, message },
  ...(headers ? { headers } : {}),
});

/** The connector named by `path` under `base`, or the refusal of the request (not a webhook path, not POST). */
function route(method: string | undefined, path: string, base: string): { connector: string } | HandlerReply {
  if (!path.startsWith(base) || path.length === base.length)
    return refused(404, 'webhook.unknown_endpoint', 'not a webhook path');
  if (method !== 'POST') return refused(405, 'webhook.invalid', 'webhooks are POST requests', { allow: 'POST' });
  try {
    return { connector: decodeURIComponent(path.slice(base.length).replace(/\/+$/, '')) };
  } catch {
    return refused(404, 'webhook.unknown_endpoint', 'not a webhook path');
  }
}

/** Hands one received body to the intake: the shared step of the Node.js and fetch handlers. */
async function deliver(
  intake: WebhookIntake,
  connector: string,
  request: WebhookRequest,
  options: WebhookRequestHandlerOptions,
): Promise<HandlerReply> {
  const result = await intake.receive(connector, request);
  const summary = options.waitForPull && result.pull ? await result.pull : undefined;
  try {
    await options.onResult?.(connector, result, summary);
  } catch {
    // Logging never changes the answer.
  }
  return { status: result.status, body: result.body };
}

/**
 * A plain Node.js `(req, res)` request handler over the intake, for `node:http`, Express, or a
 * Next.js route that hands over the raw request: `POST <basePath><connector>` with the vendor's raw
 * body. Answers JSON: 202 accepted, 200 duplicate or Slack challenge, 401 bad signature, 400 bad
 * body, 404 unknown endpoint, 405 not POST, 413 too large. {@link createWebhookFetchHandler} is the
 * same handler for the fetch API's `Request` / `Response`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createWebhookRequestHandler, type WebhookIntake } from '@incidents/connectors';
 *
 * declare const intake: WebhookIntake;
 * createServer(createWebhookRequestHandler(intake, { basePath: '/hooks/' })).listen(3000);
 * ```
 */
export function createWebhookRequestHandler(
  intake: WebhookIntake,
  options: WebhookRequestHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const base = options.basePath ?? '/webhooks/';
  const max = options.maxBodyBytes ?? 1024 * 1024;
  const reply = (res: ServerResponse, answer: HandlerReply) => {
    if (res.headersSent) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  return (req, res) => {
    const routed = route(req.method, new URL(req.url ?? '/', 'http://localhost').pathname, base);
    if (!('connector' in routed)) {
      reply(res, routed);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => reply(res, refused(400, 'webhook.invalid', 'the request failed')));
    req.on('end', () => {
      if (tooLarge) {
        reply(res, refused(413, 'webhook.invalid', `the body is larger than ${max} bytes`));
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      void deliver(intake, routed.connector, { headers: req.headers, body }, options).then((answer) =>
        reply(res, answer),
      );
    });
  };
}

/** Reads a fetch body up to `max` bytes (`null` beyond). */
async function readLimited(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > max) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The webhook request handler for the fetch API: `(request: Request) => Promise<Response>` — a
 * Next.js App Router route (`export const POST = handler`), Deno, Bun, a Lambda Function URL event
 * turned into a `Request`. Same routes, limits and answers as {@link createWebhookRequestHandler}.
 *
 * @example
 * ```ts
 * import { createWebhookFetchHandler, type WebhookIntake } from '@incidents/connectors';
 *
 * declare const intake: WebhookIntake;
 * const handler = createWebhookFetchHandler(intake, { basePath: '/api/webhooks/' });
 * const response = await handler(new Request('https://desk.example.com/api/webhooks/jira', { method: 'POST', body: '{}' }));
 * ```
 */
export function createWebhookFetchHandler(
  intake: WebhookIntake,
  options: WebhookRequestHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const base = options.basePath ?? '/webhooks/';
  const max = options.maxBodyBytes ?? 1024 * 1024;
  const respond = (answer: HandlerReply) =>
    new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { ...answer.headers, 'content-type': 'application/json' },
    });
  return async (request) => {
    const routed = route(request.method, new URL(request.url).pathname, base);
    if (!('connector' in routed)) return respond(routed);
    let body: string | null;
    try {
      body = await readLimited(request, max);
    } catch {
      return respond(refused(400, 'webhook.invalid', 'the request failed'));
    }
    if (body === null) return respond(refused(413, 'webhook.invalid', `the body is larger than ${max} bytes`));
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return respond(await deliver(intake, routed.connector, { headers, body }, options));
  };
}
