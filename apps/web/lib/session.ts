import 'server-only';
import type { Actor, Role } from '@incidents/core';
import { getIronSession, type SessionOptions } from 'iron-session';
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

/** The actor of the current session, or `null`. */
export async function sessionActor(): Promise<Actor | null> {
  const s = await getSession();
  if (!s.email || !s.role || !s.issuedAt) return null;
  if (Date.now() - s.issuedAt > SESSION_TTL_SECONDS * 1000) return null;
  return { id: s.email, roles: [s.role], ...(s.team ? { team: s.team } : {}) };
}
