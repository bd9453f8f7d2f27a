/**
 * Redaction of credentials from every text a connector produces: error messages, the vendor's
 * error bodies, log lines and the error texts the sync engine stores. A vendor error page may echo
 * the request (its `Authorization` header, a login form, the query string): every configured secret
 * is removed in the forms it travels in — verbatim, base64 (also the `user:password` pair of HTTP
 * Basic), base64url, URL-encoded, form-encoded, JSON- and HTML-escaped — and well-known credential
 * shapes (`Bearer …`, `Basic …`, `AR-JWT …`, Slack `xox?-…` tokens, `token=`/`password=` pairs)
 * are masked even when the connector does not know the value (a token obtained at run time).
 *
 * @module
 */
import { ConnectorError, type ConnectorErrorDetails } from '../errors.js';

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not searched for (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 4;

/** Longest error text the engine stores or reports (a vendor's HTML page is cut). */
export const MAX_ERROR_TEXT = 1_000;

/**
 * Credential shapes masked in any text: authorization schemes followed by a credential, Slack
 * tokens, and `name=value` / `"name": "value"` pairs whose name says it is a secret.
 */
const CREDENTIAL = '(?=[A-Za-z0-9._~+/=:-]{6,})[A-Za-z0-9._~+/=:-]*[0-9._~+/=-][A-Za-z0-9._~+/=:-]*';
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [
    new RegExp(String.raw`\b(Basic|Bearer|BASIC|BEARER|basic|bearer|AR-JWT|Digest|SSWS)(\s+)${CREDENTIAL}`, 'g'),
    `$1$2${REDACTED}`,
  ],
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, REDACTED],
  [
    new RegExp(
      String.raw`\b((?:access|refresh|id|api|bearer|auth|session|csrf)[-_]?token|shortcut-token|x-api-key|api[-_]?key|client[-_]?secret|password|passwd|authorization|cookie)(\\?["']?\s*[=:]\s*\\?["']?)${CREDENTIAL}`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
];

/** Masks well-known credential shapes (schemes, Slack tokens, `password=` pairs) in `text`. */
export function redactCredentialPatterns(text: string): string {
  let out = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Cuts `text` to `max` characters (with an ellipsis). */
export function capText(text: string, max = MAX_ERROR_TEXT): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The forms a secret can travel in. */
export function secretForms(secret: string): string[] {
  const b64 = base64(secret);
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    form,
    encodeURIComponent(uri),
    json,
    json.replace(/\//g, '\\/'),
    htmlEscape(secret),
  ];
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** A source of secrets: a fixed list, or a function read at every redaction (tokens obtained at run time). */
export type SecretSource = readonly string[] | (() => readonly string[]);

/** Removes a connector's secrets from texts and errors. */
export interface Redactor {
  /** Adds secrets (verbatim values; every encoded form is derived). */
  add(...secrets: Array<string | undefined | null>): void;
  /** Adds the HTTP Basic pair `username:password` (its base64 form is what travels). */
  addBasic(username: string, password: string): void;
  /** `text` without any secret (nor credential-shaped value). */
  redact(text: string): string;
  /**
   * A copy of a `ConnectorError` whose message, vendor message and issues carry no secret (its
   * `cause` is kept only when it carries none either); other values are returned as they are.
   */
  redactError<E>(err: E): E;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Creates a {@link Redactor} over fixed secrets and dynamic sources. */
export function createRedactor(...sources: SecretSource[]): Redactor {
  const fixed = new Set<string>();
  const all = [...sources];
  let cacheKey = '';
  let cache: RegExp | null = null;

  function pattern(): RegExp | null {
    const secrets = new Set(fixed);
    for (const source of all) {
      const list = typeof source === 'function' ? source() : source;
      for (const s of list) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) secrets.add(s);
    }
    const forms = [...new Set([...secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
    const key = forms.join('\u0000');
    if (key !== cacheKey) {
      cacheKey = key;
      cache = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : null;
    }
    return cache;
  }

  function redact(text: string): string {
    const re = pattern();
    const out = re ? text.replace(re, REDACTED) : text;
    return redactCredentialPatterns(out);
  }

  function redactError<E>(err: E): E {
    if (!(err instanceof ConnectorError)) return err;
    const message = redact(err.message);
    const details: ConnectorErrorDetails = { ...err.details };
    if (details.vendorMessage !== undefined) details.vendorMessage = redact(details.vendorMessage);
    if (details.issues) details.issues = details.issues.map((i) => ({ ...i, message: redact(i.message) }));
    const prefix = `${details.connector}: `;
    const cause = (err as { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? `${cause.message} ${String((cause as { stack?: string }).stack)}` : '';
    const causeClean = cause === undefined || (cause instanceof Error && redact(causeText) === causeText);
    const unchanged =
      message === err.message &&
      details.vendorMessage === err.details.vendorMessage &&
      JSON.stringify(details.issues) === JSON.stringify(err.details.issues) &&
      causeClean;
    if (unchanged) return err;
    const copy = new ConnectorError(
      err.code,
      message.startsWith(prefix) ? message.slice(prefix.length) : message,
      details,
      causeClean && cause !== undefined ? { cause } : {},
    );
    return copy as E;
  }

  return {
    add(...secrets) {
      for (const s of secrets) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) fixed.add(s);
    },
    addBasic(username, password) {
      fixed.add(`${username}:${password}`);
      if (password.length >= MIN_SECRET_LENGTH) fixed.add(password);
    },
    redact,
    redactError,
  };
}
