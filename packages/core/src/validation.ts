import type * as z from 'zod';
import { ValidationError } from './errors.js';

/**
 * Parses `input` with `schema`; on failure throws a {@link ValidationError} whose issues name each
 * field path (`solution.steps.0: expected string`).
 *
 * @example
 * ```ts
 * const input = parseInput(ResolveInputSchema, body, 'resolution'); // defaults applied
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, context = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
    { cause: result.error, context },
  );
}

/**
 * {@link parseInput} for a value nested in a larger argument: every issue's path is prefixed with
 * `path` (`write.incident` + `title` → `write.incident.title`), and `path` is the error's context.
 * Stores use it so that an issue names the field from the method's argument (see the IncidentStore
 * port's rule on validation paths).
 */
export function parseInputAt<S extends z.ZodType>(schema: S, input: unknown, path: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => {
      const sub = issue.path.map(String).join('.');
      return { path: sub ? `${path}.${sub}` : path, message: issue.message };
    }),
    { cause: result.error, context: path },
  );
}

const VALIDATED = new WeakSet<object>();

/**
 * Marks a write (or a record) as built by SDK code from values that were already validated — the
 * service from a parsed use-case input and a record read from the store, the sync engine from a mapped
 * and validated vendor record — so that the store it is handed to may skip validating it a second
 * time. Stores still check what is cheap (ids, revisions) and still validate every unmarked write.
 *
 * The mark is for one write: {@link takeValidated} consumes it. Never mark data that came from
 * outside the SDK.
 *
 * @example
 * ```ts
 * await store.createIncident(markValidated({ incident, interactions }));
 * ```
 */
export function markValidated<T extends object>(value: T): T {
  VALIDATED.add(value);
  return value;
}

/**
 * For store implementations: whether `value` was marked with {@link markValidated}; the mark is
 * removed, so a write object reused later is validated again.
 */
export function takeValidated(value: unknown): boolean {
  return typeof value === 'object' && value !== null && VALIDATED.delete(value);
}
