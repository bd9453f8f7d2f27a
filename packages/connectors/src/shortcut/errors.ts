/**
 * Shortcut error bodies: `{ message, errors? }`.
 * @module
 */

/** Extracts a readable message from a Shortcut error body. */
export function shortcutErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const parts = [
    typeof message === 'string' ? message : undefined,
    errors ? JSON.stringify(errors).slice(0, 200) : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(': ') : undefined;
}
