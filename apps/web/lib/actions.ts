'use server';
/**
 * Server Actions — public endpoints: each one resolves the session, validates its input with core's
 * zod schemas and calls exactly one core use case. Results are typed for the forms:
 * `{ ok: true }` or `{ ok: false, error, fieldErrors? }`; never a stack trace or a secret.
 */
import {
  addCommentInputSchema,
  createIncidentInputSchema,
  createUserInputSchema,
  isIncidentsError,
  type Role,
  updateUserInputSchema,
} from '@incidents/core';
import { hashPassword, verifyNothing, verifyPassword } from '@incidents/config/passwords';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { desk, requireActor } from './dal';
import { toPublicError } from './errors';
import { loginAllowed, loginFailed, loginSucceeded } from './rate-limit';
import { getSession } from './session';

/** What a form action returns. */
export type ActionResult =
  | { ok: true; message?: string }
  | { ok: false; error: string; code?: string; fieldErrors?: Record<string, string> };

function fail(err: unknown): ActionResult {
  if (isIncidentsError(err) && err.code === 'conflict') {
    return { ok: false, code: 'conflict', error: 'conflict' };
  }
  const e = toPublicError(err);
  return { ok: false, code: e.code, error: e.message, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) };
}

const str = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

// ---------------------------------------------------------------------------------------------
// login / logout

/** Signs in with email + password. One answer for every failure; 5 failures → "too many attempts". */
export async function login(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const h = await headers();
  const ip = h.get('x-forwarded-for')?.split(',')[0]?.trim() || h.get('x-real-ip') || 'local';
  if (!(await loginAllowed(email, ip))) return { ok: false, code: 'rate_limited', error: 'rate_limited' };
  const { service } = await desk();
  let verified = false;
  const result = await service.authenticate(email, async (hash) => {
    verified = true;
    return verifyPassword(hash, password);
  });
  if (!result) {
    if (!verified) await verifyNothing(password); // same time whether or not the email exists
    loginFailed(email, ip);
    return { ok: false, code: 'invalid_credentials', error: 'invalid_credentials' };
  }
  await loginSucceeded(email, ip);
  const session = await getSession();
  // A fresh sealed cookie replaces whatever the browser sent (no session fixation).
  session.destroy();
  session.email = result.user.email;
  session.name = result.user.name;
  session.role = result.user.role;
  if (result.user.team) session.team = result.user.team;
  session.issuedAt = Date.now();
  await session.save();
  const next = String(form.get('next') ?? '');
  redirect(next.startsWith('/') && !next.startsWith('//') ? next : '/tickets');
}

/** Signs out. */
export async function logout(): Promise<void> {
  const session = await getSession();
  session.destroy();
  redirect('/login');
}

/** Sets the UI language cookie. */
export async function setLocale(form: FormData): Promise<void> {
  const locale = form.get('locale') === 'es' ? 'es' : 'en';
  const { cookies } = await import('next/headers');
  (await cookies()).set('locale', locale, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
  revalidatePath('/', 'layout');
}

// ---------------------------------------------------------------------------------------------
// tickets

/** Creates a ticket from the /tickets/new form (core's CreateIncidentInputSchema). */
export async function createTicket(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const input = {
    title: str(form, 'title') ?? '',
    description: str(form, 'description') ?? '',
    category: str(form, 'category'),
    severity: str(form, 'severity'),
  };
  const parsed = createIncidentInputSchema().safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'validation',
      error: 'validation',
      fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])),
    };
  }
  let id: string;
  try {
    const { service } = await desk();
    const incident = await service.create(parsed.data, { actor });
    id = incident.incident_id;
  } catch (err) {
    return fail(err);
  }
  revalidatePath('/tickets');
  redirect(`/tickets/${encodeURIComponent(id)}`);
}

/** The actions of the detail page; each calls one use case with the revision the page showed. */
export async function ticketAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const action = str(form, 'action');
  const incident_id = str(form, 'incident_id') ?? '';
  const expected_revision = Number(form.get('expected_revision'));
  const ref = { incident_id, expected_revision };
  const ctx = { actor };
  try {
    const { service } = await desk();
    switch (action) {
      case 'claim':
        await service.claim(ref, ctx);
        break;
      case 'assign':
        await service.assign({ ...ref, assignee: str(form, 'assignee') ?? '' }, ctx);
        break;
      case 'start':
        await service.startWork(ref, ctx);
        break;
      case 'pending':
        await service.setPending({ ...ref, ...(str(form, 'reason') ? { reason: str(form, 'reason') } : {}) }, ctx);
        break;
      case 'resolve': {
        const steps = (str(form, 'steps') ?? '')
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
        const rootCause = str(form, 'root_cause');
        await service.resolve(
          { ...ref, solution: str(form, 'solution') ?? '', steps, ...(rootCause ? { root_cause: rootCause } : {}) },
          ctx,
        );
        break;
      }
      case 'close':
        await service.close(ref, ctx);
        break;
      case 'reopen':
        await service.reopen(ref, ctx);
        break;
      case 'cancel':
        await service.cancel(ref, ctx);
        break;
      case 'comment': {
        const input = addCommentInputSchema().safeParse({
          ...ref,
          text: str(form, 'text') ?? '',
          visibility: form.get('visibility') === 'INTERNAL' ? 'INTERNAL' : 'PUBLIC',
        });
        if (!input.success) {
          return {
            ok: false,
            code: 'validation',
            error: 'validation',
            fieldErrors: Object.fromEntries(input.error.issues.map((i) => [i.path.join('.'), i.message])),
          };
        }
        await service.addComment(input.data, ctx);
        break;
      }
      default:
        return { ok: false, code: 'validation', error: `unknown action` };
    }
  } catch (err) {
    return fail(err);
  }
  revalidatePath(`/tickets/${encodeURIComponent(incident_id)}`);
  revalidatePath('/tickets');
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------
// users (admin)

/** Creates a user with a password (core checks `users.insert`; argon2id here). */
export async function createUser(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const parsed = createUserInputSchema().safeParse({
    email: str(form, 'email') ?? '',
    name: str(form, 'name'),
    role: str(form, 'role'),
    team: str(form, 'team'),
  });
  if (!parsed.success) {
    return {
      ok: false,
      code: 'validation',
      error: 'validation',
      fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])),
    };
  }
  const password = String(form.get('password') ?? '');
  try {
    const { service } = await desk();
    const passwordHash = await hashPassword(password);
    const user = await service.putUser(parsed.data, { actor });
    await service.setUserCredentials(user.email, { password_hash: passwordHash }, { actor });
  } catch (err) {
    return fail(err);
  }
  revalidatePath('/admin/users');
  return { ok: true };
}

/** Deactivates/reactivates a user or changes their role (core checks `users.update`). */
export async function updateUser(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const email = str(form, 'email') ?? '';
  const changes: { role?: Role; active?: boolean } = {};
  if (str(form, 'role')) changes.role = str(form, 'role') as Role;
  if (str(form, 'active')) changes.active = form.get('active') === 'true';
  const parsed = updateUserInputSchema().safeParse(changes);
  if (!parsed.success) return { ok: false, code: 'validation', error: parsed.error.issues[0]?.message ?? 'invalid' };
  try {
    const { service } = await desk();
    await service.updateUser(email, parsed.data, { actor });
  } catch (err) {
    return fail(err);
  }
  revalidatePath('/admin/users');
  return { ok: true };
}
