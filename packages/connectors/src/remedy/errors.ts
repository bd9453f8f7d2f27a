/**
 * Remedy / Helix error bodies: `[{ messageType, messageText, messageAppendedText, messageNumber }]`.
 * @module
 */

/** Extracts a readable message from a Remedy error body. */
export function remedyErrorMessage(body: unknown): string | undefined {
  const list = Array.isArray(body) ? body : [body];
  const parts = list
    .filter((m): m is Record<string, unknown> => !!m && typeof m === 'object')
    .map((m) =>
      [m.messageNumber !== undefined ? `ARERR ${String(m.messageNumber)}` : '', m.messageText, m.messageAppendedText]
        .filter((x) => typeof x === 'string' && x !== '')
        .join(' '),
    )
    .filter((s) => s !== '');
  return parts.length ? parts.join('; ') : undefined;
}
