import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';

/** The UI languages: Spanish (the desk's vocabulary) and English. */
export const LOCALES = ['en', 'es'] as const;
export type AppLocale = (typeof LOCALES)[number];

/**
 * The server's time zone, resolved once per process. Left unset, next-intl resolves it on every
 * request by constructing a default `Intl.DateTimeFormat` — a measurable share of a request's CPU.
 */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The locale of a request: the `locale` cookie, else the browser's Accept-Language, else English. */
export async function resolveLocale(): Promise<AppLocale> {
  const fromCookie = (await cookies()).get('locale')?.value;
  if (fromCookie === 'es' || fromCookie === 'en') return fromCookie;
  const accept = (await headers()).get('accept-language') ?? '';
  return /^\s*es\b/i.test(accept) ? 'es' : 'en';
}

export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  const messages = (await import(`../messages/${locale}.json`)).default;
  return { locale, messages, timeZone: TIME_ZONE };
});
