/**
 * Text helpers for output meant for people. Free of zod, so that entry points which only report
 * errors (the CLI's help and error paths, through `@incidents/core/errors`) do not load the schemas.
 *
 * @module
 */

/**
 * C0 controls except tab and newline, DEL, C1 controls, the bidi embeddings/overrides/isolates and
 * marks, and the line/paragraph separators.
 */
const UNSAFE_CHARACTER =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Replaces control and bidi characters of `text` with visible escapes (`\x1b`, `\u202e`), for text
 * meant for people (terminals, the text part of MCP results): stored data then cannot move the
 * cursor, set colours or a window title, or reverse text. Newlines and tabs stay. Machine output
 * (JSON, structured results) keeps the exact text instead.
 *
 * @example
 * ```ts
 * escapeControlCharacters('\u001b[31mred \u202eevil'); // '\\x1b[31mred \\u202eevil'
 * ```
 */
export function escapeControlCharacters(text: string): string {
  if (!UNSAFE_CHARACTER.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (!UNSAFE_CHARACTER.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Whether `text` holds a C0/C1 control character (other than tab and newline) or a bidi control. */
export function hasControlCharacters(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text);
}
