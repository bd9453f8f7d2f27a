/**
 * ServiceNow error bodies: `{ error: { message, detail }, status: 'failure' }`.
 * @module
 */

/** Extracts a readable message from a ServiceNow error body. */
export function serviceNowErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (!error || typeof error !== 'object') return undefined;
  const { message, detail } = error as { message?: unknown; detail?: unknown };
  return [message, detail].filter((p): p is string => typeof p === 'string' && p !== '').join(': ') || undefined;
}
