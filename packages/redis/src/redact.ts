/**
 * Removes credentials from text that may reach a log or an error message: the user-info part of
 * URLs (`redis://user:password@host` → `redis://***@host`), bearer tokens, `token=`/`password=`
 * parameters, and any of the given secret strings.
 *
 * @param text - A message, typically a driver error's.
 * @param secrets - Exact secrets to blank out (a token, a password) wherever they appear.
 * @returns The text with every credential replaced by `***`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@')
    .replace(/(bearer\s+)[^\s"',]+/gi, '$1***')
    .replace(/((?:token|password|passwd|secret)["']?\s*[=:]\s*["']?)[^\s"'&,]+/gi, '$1***');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
