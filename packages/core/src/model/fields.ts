/**
 * Field rules shared by the schemas: how emails are normalised, and the bounds on ids, person
 * references and URLs that every entry point (service, CLI, MCP server, web app) gets through the
 * use-case inputs.
 *
 * @module
 */
import * as z from 'zod';

/** RFC 5321's limit on a forward path (an email address as used in practice): 254 characters. */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The one spelling of an email address (or service id) the SDK stores and compares: trimmed and
 * lower-cased, so that `Carla.Ruiz@Cliente.example` and `carla.ruiz@cliente.example` are one person.
 *
 * @example
 * ```ts
 * normalizeEmail(' Ana@Example.COM '); // 'ana@example.com'
 * ```
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Whether `value` is a person reference that {@link PersonRefSchema} accepts and leaves unchanged:
 * 1 to {@link MAX_EMAIL_LENGTH} characters, no whitespace (so trimming changes nothing), no control or
 * bidirectional-override characters, already lower-case (so {@link normalizeEmail} changes nothing).
 * Internal: the service's fast path for actors (anything else goes through the schema).
 */
export function isNormalizedPersonRef(value: string): boolean {
  return (
    value.length >= 1 &&
    value.length <= MAX_EMAIL_LENGTH &&
    !/\s/.test(value) &&
    !CONTROL_OR_BIDI.test(value) &&
    value.toLowerCase() === value
  );
}

/** A registered email address, normalised with {@link normalizeEmail}. */
export const EmailSchema = z
  .string()
  .trim()
  .max(MAX_EMAIL_LENGTH, `an email address has at most ${MAX_EMAIL_LENGTH} characters`)
  .pipe(z.email())
  .transform(normalizeEmail);

/**
 * Who did or is asked to do something (actor id, assignee, author): an email or a service id
 * (`sync@incidents`), at most 254 characters, no spaces or control characters, normalised with
 * {@link normalizeEmail}.
 */
export const PersonRefSchema = z
  .string()
  .trim()
  .min(1, { message: 'required', abort: true })
  .max(MAX_EMAIL_LENGTH, { message: `at most ${MAX_EMAIL_LENGTH} characters`, abort: true })
  .refine((v) => !/\s/.test(v) && !CONTROL_OR_BIDI.test(v), 'must not contain spaces or control characters')
  .transform(normalizeEmail);

/**
 * An incident id given by a caller: 1–200 characters of letters, digits and `. _ - : # @ +`,
 * starting with a letter or digit, never `..` (no spaces, slashes or control characters).
 */
export const IncidentIdInputSchema = z
  .string()
  .trim()
  .min(1, { message: 'incident_id is required', abort: true })
  .max(200, { message: 'an incident id has at most 200 characters', abort: true })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:#@+-]*$/, {
    message: 'an incident id has only letters, digits and . _ - : # @ + (no spaces, slashes or control characters)',
    abort: true,
  })
  .refine((v) => !v.includes('..'), 'an incident id must not contain ".."');

/** A link to a web page: `http:` or `https:` only (never `javascript:`, `data:`, `file:`…). */
export const HttpUrlSchema = z
  .string()
  .trim()
  .max(2048, 'a URL has at most 2048 characters')
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL');
