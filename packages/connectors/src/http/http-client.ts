/**
 * The HTTP layer every connector uses: base URL + custom `fetch`, authentication (with one refresh
 * on 401), a per-connector concurrency limit, retries with exponential backoff and jitter on 5xx and
 * network errors, `Retry-After` on 429 and 503, typed errors and zod-validated bodies. Every error it throws
 * has the connector's secrets redacted (see `redact.ts`): a vendor page echoing the request never
 * carries a credential into a message.
 *
 * @module
 */
import type * as z from 'zod';
import { ConnectorError, invalidResponse } from '../errors.js';
import type { AuthProvider } from './auth.js';
import { type CircuitBreakerOptions, createCircuitBreaker } from './breaker.js';
import { createLimiter } from './limiter.js';
import { createRedactor, type Redactor, type SecretSource } from './redact.js';
import { backoffDelay, parseRetryAfter, type RetryOptions, resolveRetry, sleep } from './retry.js';

/** A WHATWG `fetch` (the global one by default). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Transport options every connector accepts. */
export interface HttpOptions {
  /** Custom `fetch` (proxies, tests, instrumentation). Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Retry policy for 429, 5xx and network errors. */
  retry?: RetryOptions;
  /** Requests of this connector in flight at once. Default 4. */
  concurrency?: number;
  /** Timeout of one attempt, in milliseconds. Default 30 000. */
  timeoutMs?: number;
  /** `User-Agent` sent with every request. Default `@incidents/connectors`. */
  userAgent?: string;
  /**
   * More secrets to remove from every error and log text of this connector (verbatim values; their
   * base64, URL-encoded and escaped forms are derived). The connector's own credentials are always
   * redacted; `@incidents/config` adds the values of secret `${VAR}` references here.
   */
  redact?: readonly string[];
  /**
   * Pause the connector after repeated vendor failures (5xx after retries, timeouts, network
   * errors): default 5 in a row pause it for 60 s; `false` turns the breaker off.
   */
  circuitBreaker?: CircuitBreakerOptions | false;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions extends HttpOptions {
  /** Connector name used in errors. */
  connector: string;
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
  /**
   * Looks the base URL up before the first request (Jira OAuth 2.0: `api.atlassian.com/ex/jira/{cloudId}`
   * with the cloud id read from the accessible resources). Tried again after a failure.
   */
  resolveBaseUrl?: () => Promise<string>;
  auth?: AuthProvider;
  /** Extracts the vendor's error message from an error body, for error messages. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Source of randomness for the jitter (tests). */
  random?: () => number;
  /** Secrets the connector holds outside `auth` (Slack's token); `auth.secrets` and `redact` are added. */
  secrets?: readonly SecretSource[];
  /** Whether a request made through `fetch` (a vendor SDK) is idempotent; default by method. */
  fetchIdempotent?: (method: string, url: URL) => boolean;
}

/** Query-string values; `undefined` and `null` are left out. */
export type QueryValue = string | number | boolean | undefined | null;

/** One request. */
export interface HttpRequest<S extends z.ZodType | undefined = undefined> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL (`/rest/api/3/search/jql`), or a path+query returned by the vendor. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body. */
  json?: unknown;
  /** `application/x-www-form-urlencoded` body. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Validates the JSON body; a mismatch is `connector.invalid_response` naming the fields. */
  schema?: S;
  /** What the body is: `json` (default), `text`, or `none` (ignored). */
  responseType?: 'json' | 'text' | 'none';
  /** Do not send the authentication headers (login requests). */
  skipAuth?: boolean;
  /** Label used in error messages instead of the path. */
  label?: string;
  /**
   * Whether sending the request twice is harmless. Default: `true` for GET/PUT/DELETE, `false` for
   * POST/PATCH (a comment posted twice is a duplicate). A non-idempotent request is retried only
   * when it provably did not reach the server (429, connection refused, DNS failure) — never after a
   * timeout, a reset connection or a 5xx, where it may have been applied: the error then says
   * `details.outcomeUnknown`. Searches sent as POST (Jira) set it to `true`.
   */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** A successful response. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

type BodyOf<S> = S extends z.ZodType ? z.output<S> : unknown;

/** The client made by {@link createHttpClient}. */
export interface HttpClient {
  readonly connector: string;
  readonly baseUrl: string;
  /** Sends a request with retries and returns the parsed body. */
  request<S extends z.ZodType | undefined = undefined>(req: HttpRequest<S>): Promise<HttpResponse<BodyOf<S>>>;
  /**
   * A `fetch` with the same retries, limit and error mapping, for vendor SDKs that take a `fetch`
   * option (Slack's `WebClient`). Resolves only with a 2xx response; throws {@link ConnectorError} otherwise.
   */
  readonly fetch: FetchLike;
  /** Validates a body against a schema, throwing `connector.invalid_response`. */
  parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S>;
  /** The auth error that stopped this connector, if any. */
  readonly stoppedBy: ConnectorError | undefined;
  /** Removes this connector's secrets from a text (messages, vendor bodies, log lines). */
  redact(text: string): string;
  /** A `ConnectorError` with this connector's secrets removed (other values unchanged). */
  redactError<E>(err: E): E;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504, 408]);

/** Methods whose repetition is harmless by definition (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Socket error codes meaning the request never left (no connection was made). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether a network error proves the request did not reach the server. */
function provablyNotSent(cause: unknown): boolean {
  let e: unknown = cause;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function shorten(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Creates the shared HTTP client of one connector. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const connector = options.connector;
  let baseUrl = options.baseUrl.replace(/\/+$/, '');
  let resolvingBase: Promise<void> | undefined;
  const resolveBase = async () => {
    if (!options.resolveBaseUrl) return;
    const lookup = options.resolveBaseUrl;
    resolvingBase ??= lookup().then(
      (url) => {
        baseUrl = url.replace(/\/+$/, '');
      },
      (err: unknown) => {
        resolvingBase = undefined;
        throw err;
      },
    );
    await resolvingBase;
  };
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const retry = resolveRetry(options.retry);
  const limiter = createLimiter(options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const userAgent = options.userAgent ?? '@incidents/connectors';
  const random = options.random ?? Math.random;
  let stoppedBy: ConnectorError | undefined;
  const breaker =
    options.circuitBreaker === false ? undefined : createCircuitBreaker(connector, options.circuitBreaker);
  const auth = options.auth;
  const redactor: Redactor = createRedactor(
    options.redact ?? [],
    ...(options.secrets ?? []),
    ...(auth?.secrets ? [() => auth.secrets?.() ?? []] : []),
  );

  function resolveUrl(path: string, query?: Record<string, QueryValue>): URL {
    let url: URL;
    if (/^https?:\/\//i.test(path)) {
      url = new URL(path);
      if (url.origin !== new URL(baseUrl).origin) {
        throw new ConnectorError(
          'connector.invalid_response',
          `refusing to follow a link to another origin (${url.origin})`,
          { connector },
        );
      }
    } else {
      url = new URL(baseUrl + (path.startsWith('/') ? path : `/${path}`));
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      url.searchParams.set(key, String(value));
    }
    return url;
  }

  async function vendorMessage(response: Response): Promise<string | undefined> {
    let text: string;
    try {
      text = await response.text();
    } catch {
      return undefined;
    }
    if (!text) return undefined;
    // Redacted before it is shortened: a cut must not leave half a secret behind.
    try {
      const body: unknown = JSON.parse(text);
      const message = options.errorMessage?.(body);
      return shorten(redactor.redact(message ? message : text));
    } catch {
      return shorten(redactor.redact(text).replace(/\s+/g, ' '));
    }
  }

  /**
   * The retry loop. `build` returns the request init (auth headers are re-read on every attempt so
   * a refreshed token is used).
   */
  async function send(...args: Parameters<typeof sendOnce>): Promise<Response> {
    breaker?.check(args[0], args[2].label);
    try {
      const response = await sendOnce(...args);
      breaker?.success();
      return response;
    } catch (err) {
      if (breaker && err instanceof ConnectorError && !args[2].signal?.aborted) {
        const status = err.details.status;
        if (err.code === 'connector.http' && (status === undefined || status >= 500)) breaker.failure();
        else if (status !== undefined) breaker.success();
      }
      throw redactor.redactError(err);
    }
  }

  async function sendOnce(
    method: string,
    url: URL,
    init: {
      headers: Record<string, string>;
      body?: string;
      skipAuth?: boolean;
      label: string;
      signal?: AbortSignal | null;
      idempotent: boolean;
    },
  ): Promise<Response> {
    if (stoppedBy) throw stoppedBy;
    const where = { method, path: url.pathname };
    const label = init.label;
    const userSignal = init.signal ?? undefined;
    let attempt = 0;
    let refreshed = false;
    for (;;) {
      attempt += 1;
      userSignal?.throwIfAborted();
      let response: Response;
      try {
        // Auth headers are read outside the limiter: a provider may itself make a request (a login).
        const authHeaders = init.skipAuth || !options.auth ? {} : await options.auth.headers(userSignal);
        response = await limiter.run(async () => {
          const signals = [AbortSignal.timeout(timeoutMs), ...(userSignal ? [userSignal] : [])];
          return doFetch(url, {
            method,
            headers: { 'user-agent': userAgent, accept: 'application/json', ...init.headers, ...authHeaders },
            ...(init.body !== undefined ? { body: init.body } : {}),
            signal: AbortSignal.any(signals),
          });
        });
      } catch (cause) {
        if (userSignal?.aborted) throw userSignal.reason;
        if (cause instanceof ConnectorError) throw cause;
        const safe = init.idempotent || provablyNotSent(cause);
        if (attempt <= retry.maxRetries && safe) {
          await sleep(backoffDelay(attempt - 1, retry, random), userSignal);
          continue;
        }
        const reason = cause instanceof Error ? cause.message : String(cause);
        const unknown = !safe;
        throw new ConnectorError(
          'connector.http',
          `network error on ${method} ${label} after ${attempt} attempt(s): ${reason}${unknown ? '; the write may have been applied, so it was not repeated' : ''}`,
          { connector, ...where, attempts: attempt, ...(unknown ? { outcomeUnknown: true } : {}) },
          { cause },
        );
      }

      if (response.ok) return response;
      const status = response.status;

      if (status === 429) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        await response.body?.cancel().catch(() => undefined);
        const wait = retryAfterMs ?? backoffDelay(attempt - 1, retry, random);
        if (attempt <= retry.maxRetries && wait <= retry.maxRetryAfterMs) {
          await sleep(wait, userSignal);
          continue;
        }
        throw new ConnectorError(
          'connector.rate_limited',
          `rate limited on ${method} ${label} after ${attempt} attempt(s)${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`,
          { connector, ...where, status, attempts: attempt, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
        );
      }

      if (status === 401 || status === 403) {
        const message = await vendorMessage(response);
        if (status === 401 && !refreshed && options.auth?.refresh && !init.skipAuth) {
          refreshed = true;
          let renewed: boolean;
          try {
            renewed = await options.auth.refresh(userSignal);
          } catch (err) {
            // The token endpoint refused (a revoked grant, a rotated-away refresh token): stop here too.
            if (err instanceof ConnectorError && err.code === 'connector.auth') stoppedBy = redactor.redactError(err);
            throw err;
          }
          if (renewed) continue;
        }
        const error = new ConnectorError(
          'connector.auth',
          status === 401
            ? `authentication failed (HTTP 401) on ${method} ${label}${refreshed ? ' even after a token refresh' : ''}; check the credentials — the connector is stopped`
            : `permission denied (HTTP 403) on ${method} ${label}; check the account's permissions/scopes`,
          { connector, ...where, status, attempts: attempt, ...(message ? { vendorMessage: message } : {}) },
        );
        if (status === 401) stoppedBy = redactor.redactError(error);
        throw error;
      }

      // A 503 (or another retryable status) may say when to come back: honoured like a 429's.
      const retryAfterMs = RETRYABLE_STATUS.has(status)
        ? parseRetryAfter(response.headers.get('retry-after'))
        : undefined;
      if (
        RETRYABLE_STATUS.has(status) &&
        attempt <= retry.maxRetries &&
        init.idempotent &&
        (retryAfterMs === undefined || retryAfterMs <= retry.maxRetryAfterMs)
      ) {
        await response.body?.cancel().catch(() => undefined);
        await sleep(retryAfterMs ?? backoffDelay(attempt - 1, retry, random), userSignal);
        continue;
      }

      const message = await vendorMessage(response);
      // A 5xx (or 408) to a write may come after the write was applied.
      const unknown = !init.idempotent && (status >= 500 || status === 408);
      throw new ConnectorError(
        'connector.http',
        `HTTP ${status} on ${method} ${label}${attempt > 1 ? ` after ${attempt} attempts` : ''}${message ? `: ${message}` : ''}${unknown ? ' (the write may have been applied, so it was not repeated)' : ''}${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`,
        {
          connector,
          ...where,
          status,
          attempts: attempt,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          ...(message ? { vendorMessage: message } : {}),
          ...(unknown ? { outcomeUnknown: true } : {}),
        },
      );
    }
  }

  function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    throw redactor.redactError(
      invalidResponse(
        connector,
        what,
        result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
        {},
        result.error,
      ),
    );
  }

  const client: HttpClient = {
    connector,
    get baseUrl() {
      return baseUrl;
    },
    get stoppedBy() {
      return stoppedBy;
    },
    parse,
    redact: (text) => redactor.redact(text),
    redactError: (err) => redactor.redactError(err),
    async request<S extends z.ZodType | undefined = undefined>(req: HttpRequest<S>): Promise<HttpResponse<BodyOf<S>>> {
      const method = req.method ?? 'GET';
      await resolveBase();
      const url = resolveUrl(req.path, req.query);
      const headers: Record<string, string> = { ...req.headers };
      let body: string | undefined;
      if (req.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.json);
      } else if (req.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(req.form).toString();
      }
      const label = req.label ?? url.pathname;
      const response = await send(method, url, {
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(req.skipAuth ? { skipAuth: true } : {}),
        label,
        ...(req.signal ? { signal: req.signal } : {}),
        idempotent: req.idempotent ?? IDEMPOTENT_METHODS.has(method),
      });
      const type = req.responseType ?? 'json';
      if (type === 'none') {
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, headers: response.headers, body: undefined as BodyOf<S> };
      }
      const text = await response.text();
      if (type === 'text') return { status: response.status, headers: response.headers, body: text as BodyOf<S> };
      let json: unknown;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch (cause) {
        throw invalidResponse(
          connector,
          `response to ${method} ${label}`,
          [{ path: '', message: 'body is not JSON' }],
          { status: response.status, method, path: url.pathname },
          // Not the parser's message: it quotes the body, which may echo a secret.
          cause instanceof Error ? new Error('the body is not valid JSON') : undefined,
        );
      }
      const parsed = req.schema ? parse(req.schema, json, `response to ${method} ${label}`) : json;
      return { status: response.status, headers: response.headers, body: parsed as BodyOf<S> };
    },
    fetch: async (input, init) => {
      const url = typeof input === 'string' ? new URL(input) : input;
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const body = init?.body;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        throw new ConnectorError('connector.unsupported', 'only string request bodies can be retried', { connector });
      }
      return send(init?.method ?? 'GET', url, {
        headers,
        ...(typeof body === 'string' ? { body } : {}),
        skipAuth: !options.auth,
        label: url.pathname,
        signal: init?.signal ?? null,
        idempotent:
          options.fetchIdempotent?.(init?.method ?? 'GET', url) ?? IDEMPOTENT_METHODS.has(init?.method ?? 'GET'),
      });
    },
  };
  return client;
}
