import type { z } from 'zod';
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
