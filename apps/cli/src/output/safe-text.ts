/**
 * Terminal-safe text: every human-readable line the CLI prints goes through
 * {@link neutralizeControls}, so that an incident title, comment, note or user name cannot move the
 * cursor, clear the screen, set the window title, hide text or reverse it (bidi overrides). The
 * characters are shown as visible escapes (`\x1b`, `\u202e`) instead. `--json` output is not
 * touched: it is exact.
 *
 * @module
 */

/** Colour escapes (SGR, `ESC [ … m`) as picocolors writes them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences we keep.
const SGR = /\u001b\[[0-9;]*m/y;

/**
 * C0 controls except tab and newline, DEL, C1 controls, the bidi embeddings/overrides/isolates and
 * marks, and the line/paragraph separators.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function visible(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Replaces control and bidi characters of `text` with visible escapes. Newlines and tabs stay. With
 * `keepColors`, the colour escapes the CLI itself writes (`ESC [ n m`) are kept; every other escape
 * sequence (window title, clear screen, cursor moves) is neutralised.
 *
 * @example
 * ```ts
 * neutralizeControls('\u001b]0;pwned\u0007Title \u202eevil'); // '\\x1b]0;pwned\\x07Title \\u202eevil'
 * ```
 */
export function neutralizeControls(text: string, options: { keepColors?: boolean } = {}): string {
  if (!UNSAFE.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (options.keepColors && text.charCodeAt(i) === 0x1b) {
      SGR.lastIndex = i;
      const m = SGR.exec(text);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    out += UNSAFE.test(ch) ? visible(ch) : ch;
    i += ch.length;
  }
  return out;
}
