/**
 * Zendesk error bodies: `{ error, description }` or `{ error: { title, message } }`.
 * @module
 */

/** Extracts a readable message from a Zendesk error body. */
export function zendeskErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { error, description, details } = body as { error?: unknown; description?: unknown; details?: unknown };
  const parts: string[] = [];
  if (typeof error === 'string') parts.push(error);
  else if (error && typeof error === 'object') {
    const e = error as { title?: unknown; message?: unknown };
    parts.push(...[e.title, e.message].filter((x): x is string => typeof x === 'string'));
  }
  if (typeof description === 'string') parts.push(description);
  if (details && typeof details === 'object') parts.push(JSON.stringify(details).slice(0, 200));
  return parts.length ? parts.join(': ') : undefined;
}
