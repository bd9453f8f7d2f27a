import 'server-only';
import type { Actor, Role } from '@incidents/core';
import { getIronSession, type SessionOptions, unsealData } from 'iron-session';
import { cookies } from 'next/headers';
import { webSettings } from './env';

/** What the sealed session cookie holds. Never a password or a hash. */
export interface SessionData {
  email?: string;
  name?: string;
  role?: Role;
  team?: string;
  /** When the session was created (ms); sessions older than {@link SESSION_TTL_SECONDS} are refused. */
  issuedAt?: number;
}

/** Eight hours. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
export const SESSION_COOKIE = 'incidents_session';

function options(): SessionOptions {
  const settings = webSettings();
  return {
    password: settings.sessionSecret,
    cookieName: SESSION_COOKIE,
    ttl: SESSION_TTL_SECONDS,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: settings.secureCookie, path: '/' },
  };
}

/** The iron-session of this request (read/write in Server Actions and route handlers). */
export async function getSession() {
  return getIronSession<SessionData>(await cookies(), options());
}

// Unsealed session cookies, by their exact sealed value (at most UNSEALED_MAX, least recently used
// first out). Unsealing (two PBKDF2 key derivations, an HMAC and an AES decryption through WebCrypto)
// was ~7 % of a page's CPU; a given sealed value always unseals to the same data, and only a client
// holding that exact cookie can present it, so the memo changes nothing about who is who. Refused
// seals (iron-session answers `{}` for a bad HMAC or an expired seal) are not memoised; expiry stays
// checked on every request below (issuedAt + SESSION_TTL_SECONDS is never later than the seal's own
// expiry, which is set when the cookie is sealed), and the DAL re-reads the user from the store.
const unsealed = new Map<string, SessionData>();
const UNSEALED_MAX = 1_000;

async function readSession(): Promise<SessionData> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!value) return {};
  const hit = unsealed.get(value);
  if (hit) {
    unsealed.delete(value);
    unsealed.set(value, hit);
    return hit;
  }
  const data = await unsealData<SessionData>(value, {
    password: webSettings().sessionSecret,
    ttl: SESSION_TTL_SECONDS,
  });
  if (data.email && data.issuedAt) {
    if (unsealed.size >= UNSEALED_MAX) unsealed.delete(unsealed.keys().next().value as string);
    unsealed.set(value, Object.freeze({ ...data }));
  }
  return data;
}

/**
 * The actor of the current session, or `null`. Read-only: pages and the DAL call this on every
 * request; Server Actions that change the session use {@link getSession}.
 */
export async function sessionActor(): Promise<Actor | null> {
  const s = await readSession();
  if (!s.email || !s.role || !s.issuedAt) return null;
  if (Date.now() - s.issuedAt > SESSION_TTL_SECONDS * 1000) return null;
  return { id: s.email, roles: [s.role], ...(s.team ? { team: s.team } : {}) };
}
