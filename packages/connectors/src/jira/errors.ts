/**
 * Jira's error bodies: `{ errorMessages: string[], errors: { field: message } }`.
 * @module
 */

/** Extracts a readable message from a Jira error body. */
export function jiraErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages)) parts.push(...b.errorMessages.filter((m): m is string => typeof m === 'string'));
  if (b.errors && typeof b.errors === 'object') {
    for (const [field, message] of Object.entries(b.errors as Record<string, unknown>))
      parts.push(`${field}: ${String(message)}`);
  }
  if (typeof b.message === 'string') parts.push(b.message);
  return parts.length ? parts.join('; ') : undefined;
}
