/**
 * Terminal-safe text: every human-readable line the CLI prints goes through
 * {@link neutralizeControls}, so that an incident title, comment, note or user name cannot move the
 * cursor, clear the screen, set the window title, hide text or reverse it (bidi overrides). The
 * characters are shown as visible escapes (`\x1b`, `\u202e`) instead. `--json` output is not
 * touched: it is exact.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { escapeControlCharacters } from '@incidents/core/errors';

/**
 * Replaces control and bidi characters of `text` with visible escapes. Newlines and tabs stay. Every
 * escape sequence in the text — colours included — is shown as visible text: data never colours the
 * terminal. The CLI's own colours are written as {@link COLOR_MARK} sequences by
 * {@link markedColors} and turned into real escapes by {@link restoreColors} after this step.
 *
 * @example
 * ```ts
 * neutralizeControls('\u001b]0;pwned\u0007Title \u202eevil'); // '\\x1b]0;pwned\\x07Title \\u202eevil'
 * ```
 */
export function neutralizeControls(text: string): string {
  return escapeControlCharacters(text);
}

/**
 * Stands for ESC in the colour escapes the CLI writes itself. Random per process and made of
 * printable private-use characters, so that it survives {@link neutralizeControls} and stored data
 * cannot forge it.
 */
export const COLOR_MARK = `\ue000${randomBytes(8).toString('hex')}\ue001`;

const ESC = '\u001b';

/** Turns the CLI's own colour marks back into real escapes (after {@link neutralizeControls}). */
export function restoreColors(text: string): string {
  return text.replaceAll(COLOR_MARK, ESC);
}

/**
 * Wraps colour functions (picocolors' `createColors(true)`) so that the text they colour is
 * neutralised first and their own escapes are written as {@link COLOR_MARK}: after
 * `restoreColors(neutralizeControls(line))` only the CLI's colours reach the terminal.
 */
export function markedColors<C extends object>(colors: C): C {
  const out = { ...colors } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(colors)) {
    if (typeof fn !== 'function') continue;
    out[name] = (text: unknown) =>
      (fn as (t: string) => string)(restoreColors(neutralizeControls(String(text ?? '')))).replaceAll(ESC, COLOR_MARK);
  }
  return out as C;
}
