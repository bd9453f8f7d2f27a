import { z } from 'zod';
import { RoleSchema } from './enums.js';
import { EmailSchema, PersonRefSchema } from './fields.js';
import { TimestampSchema } from './incident.js';

/**
 * A person or service known to the desk. Authentication is outside the SDK. The email is stored
 * normalised (trimmed, lower-case; see `normalizeEmail`): lookups are case-insensitive.
 */
export const UserSchema = z.object({
  email: EmailSchema,
  name: z.string().min(1),
  role: RoleSchema,
  team: z.string().optional(),
  active: z.boolean().default(true),
  created_at: TimestampSchema,
});
export type User = z.infer<typeof UserSchema>;

/**
 * A user's login secret, kept apart from {@link User}: stores persist it in their own row/item and
 * never return it from `getUser`/`listUsers`. The SDK never hashes or sees a password — the app hashes
 * (argon2id in the web app and the CLI) and stores only the encoded hash.
 */
export const UserCredentialsSchema = z.object({
  /** The encoded password hash (e.g. a PHC string `$argon2id$v=19$…`). */
  password_hash: z.string().min(1).max(1024),
  /** When the hash was last set. */
  updated_at: TimestampSchema,
});
export type UserCredentials = z.infer<typeof UserCredentialsSchema>;

/** Who performs a use case: an email (or service id, normalised like emails) and its roles. */
export const ActorSchema = z.object({
  id: PersonRefSchema,
  roles: z.array(RoleSchema).min(1),
  team: z.string().optional(),
});
export type Actor = z.infer<typeof ActorSchema>;

/** The context every use case takes as its last argument. */
export interface UseCaseContext {
  actor: Actor;
  /** Free-text reason stored as the history version's `version_notes`. */
  notes?: string;
}
