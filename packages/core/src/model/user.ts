import * as z from 'zod';
import { lazy } from './lazy.js';
import { type Role, ROLES, RoleSchema } from './enums.js';
import { EmailSchema, isNormalizedPersonRef, PersonRefSchema } from './fields.js';
import { TimestampSchema } from './incident.js';

/** {@link UserSchema}, built on its first call. */
export const userSchema = lazy(() =>
  z.object({
    email: EmailSchema,
    name: z.string().min(1),
    role: RoleSchema,
    team: z.string().optional(),
    active: z.boolean().default(true),
    created_at: TimestampSchema,
  }),
);
/** Validates a {@link User}: the email is normalised, `active` defaults to `true`. */
export const UserSchema = /* @__PURE__ */ userSchema();
/**
 * A person or service known to the desk. Authentication is outside the SDK. The email is stored
 * normalised (trimmed, lower-case; see {@link normalizeEmail}): lookups are case-insensitive.
 */
export type User = {
  /** The user's email (or service id), normalised: the key of the user. */
  email: string;
  /** Display name. */
  name: string;
  /** The user's role: customer, operator, admin, or a service role. */
  role: Role;
  /** The team an operator belongs to. */
  team?: string;
  /** Whether the user is active (`true` by default); `authenticate` refuses inactive users. */
  active: boolean;
  /** When the user was registered (ISO 8601). */
  created_at: string;
};

/** {@link UserCredentialsSchema}, built on its first call. */
export const userCredentialsSchema = lazy(() =>
  z.object({
    /** The encoded password hash (e.g. a PHC string `$argon2id$v=19$…`). */
    password_hash: z.string().min(1).max(1024),
    /** When the hash was last set. */
    updated_at: TimestampSchema,
  }),
);
/** Validates {@link UserCredentials}. */
export const UserCredentialsSchema = /* @__PURE__ */ userCredentialsSchema();
/**
 * A user's login secret, kept apart from {@link User}: stores persist it in their own row/item and
 * never return it from `getUser`/`listUsers`. The SDK never hashes or sees a password — the app hashes
 * (argon2id in the web app and the CLI) and stores only the encoded hash.
 */
export type UserCredentials = {
  /** The encoded password hash (e.g. a PHC string `$argon2id$v=19$…`). */
  password_hash: string;
  /** When the hash was last set. */
  updated_at: string;
};

/** {@link ActorSchema}, built on its first call. */
export const actorSchema = lazy(() =>
  z.object({
    id: PersonRefSchema,
    roles: z.array(RoleSchema).min(1),
    team: z.string().optional(),
  }),
);
/** Validates an {@link Actor}: the id is normalised, at least one role. */
export const ActorSchema = /* @__PURE__ */ actorSchema();
const ROLE_NAMES: ReadonlySet<string> = new Set(ROLES);

/**
 * The common, already-normal actor — `{ id, roles, team? }` with a lower-case id without spaces or
 * control characters, known roles, a string team — rebuilt exactly as {@link ActorSchema} would
 * output it (same keys in the same order, a new roles array, unknown keys dropped); `undefined` for
 * anything else, which the caller then parses with the schema (so the accepted set, the output and
 * the error messages are the schema's). Internal to the service: zod's pipeline costs ~10 % of a
 * list page (R-ACCESS-1) for the same answer on every call.
 */
export function normalActor(value: unknown): Actor | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, roles, team } = value as { id?: unknown; roles?: unknown; team?: unknown };
  if (typeof id !== 'string' || !isNormalizedPersonRef(id)) return undefined;
  if (!Array.isArray(roles) || roles.length === 0) return undefined;
  const copy: Role[] = [];
  for (let i = 0; i < roles.length; i++) {
    const role: unknown = roles[i];
    if (typeof role !== 'string' || !ROLE_NAMES.has(role)) return undefined;
    copy.push(role as Role);
  }
  if (team === undefined) return 'team' in value ? undefined : { id, roles: copy };
  return typeof team === 'string' ? { id, roles: copy, team } : undefined;
}

/** Who performs a use case: an email (or service id, normalised like emails) and its roles. */
export type Actor = {
  /** The actor's email or service id (`sync@incidents`); normalised by the service. */
  id: string;
  /** The actor's roles (at least one); permissions are the union of theirs. */
  roles: Role[];
  /** The actor's team, for team-scoped reads. */
  team?: string;
};

/** The context every use case takes as its last argument. */
export interface UseCaseContext {
  /** Who performs the use case. */
  actor: Actor;
  /** Free-text reason stored as the history version's `version_notes`. */
  notes?: string;
}
