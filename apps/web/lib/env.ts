import 'server-only';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Role } from '@incidents/core';

/**
 * The web desk's own settings (the store and Redis come from `@incidents/config`):
 *
 * | variable | meaning |
 * |---|---|
 * | `INCIDENTS_WEB_SESSION_SECRET` | ≥ 32 characters; seals the session cookie. Required in production; in development a random one is generated once and kept in `<INCIDENTS_HOME>/web-session-secret` |
 * | `INCIDENTS_WEB_API_TOKENS` | bearer tokens of service roles for the API: `api_server:<token>,batch_worker:<token>` |
 * | `INCIDENTS_WEB_API_RATE_PER_MINUTE` | with Redis: API calls allowed per bearer token per minute (default 600) |
 * | `INCIDENTS_WEB_SECURE_COOKIE` | `0` to send the session cookie over plain HTTP in production (behind TLS-terminating proxies it stays on) |
 */
export interface WebSettings {
  sessionSecret: string;
  apiTokens: ReadonlyArray<{ token: string; role: Extract<Role, 'api_server' | 'batch_worker'> }>;
  secureCookie: boolean;
  apiCallsPerMinute: number;
}

let cached: WebSettings | undefined;

function home(): string {
  return resolve(process.env.INCIDENTS_HOME?.trim() || '.incidents');
}

function sessionSecret(): string {
  const fromEnv = process.env.INCIDENTS_WEB_SESSION_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('INCIDENTS_WEB_SESSION_SECRET must be at least 32 characters');
    return fromEnv;
  }
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'INCIDENTS_WEB_SESSION_SECRET is not set (≥ 32 random characters; e.g. `openssl rand -base64 32`). `pnpm web` sets a local one for you.',
    );
  }
  const file = join(home(), 'web-session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(home(), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function apiTokens(): WebSettings['apiTokens'] {
  const raw = process.env.INCIDENTS_WEB_API_TOKENS?.trim();
  if (!raw) return [];
  return raw.split(',').map((pair) => {
    const [role, token] = pair.split(':').map((s) => s.trim());
    if ((role !== 'api_server' && role !== 'batch_worker') || !token || token.length < 16) {
      throw new Error('INCIDENTS_WEB_API_TOKENS: expected api_server:<token>,batch_worker:<token> (tokens ≥ 16 chars)');
    }
    return { role, token };
  });
}

function apiCallsPerMinute(): number {
  const raw = process.env.INCIDENTS_WEB_API_RATE_PER_MINUTE?.trim();
  if (!raw) return 600;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error('INCIDENTS_WEB_API_RATE_PER_MINUTE must be a positive integer');
  return n;
}

/** The settings, read once per process. */
export function webSettings(): WebSettings {
  cached ??= {
    sessionSecret: sessionSecret(),
    apiTokens: apiTokens(),
    secureCookie: process.env.NODE_ENV === 'production' && process.env.INCIDENTS_WEB_SECURE_COOKIE !== '0',
    apiCallsPerMinute: apiCallsPerMinute(),
  };
  return cached;
}
