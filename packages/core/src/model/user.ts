import * as z from 'zod';
import { type Role, RoleSchema } from './enums.js';
import { EmailSchema, PersonRefSchema } from './fields.js';
import { TimestampSchema } from './incident.js';

/** Validates a {@link User}: the email is normalised, `active` defaults to `true`. */
export const UserSchema = z.object({
  email: EmailSchema,
  name: z.string().min(1),
  role: RoleSchema,
  team: z.string().optional(),
  active: z.boolean().default(true),
  created_at: TimestampSchema,
});
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

/** Validates {@link UserCredentials}. */
export const UserCredentialsSchema = z.object({
  /** The encoded password hash (e.g. a PHC string `$argon2id$v=19$…`). */
  password_hash: z.string().min(1).max(1024),
  /** When the hash was last set. */
  updated_at: TimestampSchema,
});
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

/** Validates an {@link Actor}: the id is normalised, at least one role. */
export const ActorSchema = z.object({
  id: PersonRefSchema,
  roles: z.array(RoleSchema).min(1),
  team: z.string().optional(),
});
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
