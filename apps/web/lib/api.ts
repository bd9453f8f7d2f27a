import 'server-only';
import { timingSafeEqual } from 'node:crypto';
import type { Actor } from '@incidents/core';
import { NextResponse } from 'next/server';
import { currentActor } from './dal';
import { webSettings } from './env';
import { toPublicError } from './errors';
import { redis } from './redis';

/** JSON error body of every API route: `{ error: { code, message, fieldErrors? } }` with the HTTP status. */
export function jsonError(code: string, message: string, status: number, fieldErrors?: Record<string, string>) {
  return NextResponse.json({ error: { code, message, ...(fieldErrors ? { fieldErrors } : {}) } }, { status });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The caller of an API request: a bearer token of a service role (`INCIDENTS_WEB_API_TOKENS`), or the
 * session cookie. `null` means 401.
 */
export async function apiActor(request: Request): Promise<Actor | null> {
  const auth = request.headers.get('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) {
    const token = auth.slice(7).trim();
    const match = webSettings().apiTokens.find((t) => sameToken(t.token, token));
    return match ? { id: `${match.role}@service`, roles: [match.role] } : null;
  }
  const actor = await currentActor();
  return actor ? { id: actor.id, roles: actor.roles, ...(actor.team ? { team: actor.team } : {}) } : null;
}

/**
 * With Redis: at most 600 calls per minute per bearer token (`@incidents/redis` `createRateLimits`),
 * shared by every instance. Answers 429 with `Retry-After`, or `null` to go ahead. Without Redis, or
 * while it does not answer, calls are not limited (the tokens belong to the operator's own services).
 */
async function tokenRateLimited(request: Request): Promise<Response | null> {
  const auth = request.headers.get('authorization');
  if (!auth?.toLowerCase().startsWith('bearer ')) return null;
  const parts = await redis().catch(() => null);
  if (!parts) return null;
  const decision = await parts.limits.api(auth.slice(7).trim());
  if (decision.allowed || decision.degraded) return null;
  const res = jsonError('rate_limited', `Too many API calls: retry in ${decision.retryAfterSeconds} s`, 429);
  res.headers.set('Retry-After', String(decision.retryAfterSeconds));
  return res;
}

/** Runs a handler for an authenticated caller; SDK errors become JSON with their code and status. */
export async function withActor(request: Request, handler: (actor: Actor) => Promise<Response>): Promise<Response> {
  let actor: Actor | null;
  try {
    actor = await apiActor(request);
  } catch (err) {
    const e = toPublicError(err);
    return jsonError(e.code, e.message, e.status);
  }
  if (!actor) return jsonError('unauthenticated', 'Sign in or send a bearer token', 401);
  const limited = await tokenRateLimited(request);
  if (limited) return limited;
  try {
    return await handler(actor);
  } catch (err) {
    const e = toPublicError(err);
    return jsonError(e.code, e.message, e.status, e.fieldErrors);
  }
}

/** Reads a JSON body or throws a validation error naming the body. */
export async function readJson(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = await request.json();
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  const { ValidationError } = await import('@incidents/core');
  throw new ValidationError([{ path: 'body', message: 'expected a JSON object' }]);
}
