import 'server-only';
import { getLocale, getTimeZone } from 'next-intl/server';

// One formatter per locale and time zone for the life of the process: building an
// `Intl.DateTimeFormat` is the expensive part, and next-intl's `format.dateTime` also serialises its
// arguments on every call to find its per-request memo. A formatter holds no user data.
const shortFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The request's short date-time formatter (`dateStyle: 'short', timeStyle: 'short'` in the request's
 * locale and time zone), for pages that format many timestamps (the list, the timeline).
 */
export async function shortDateTime(): Promise<(iso: string) => string> {
  const [locale, timeZone] = await Promise.all([getLocale(), getTimeZone()]);
  const key = `${locale}|${timeZone}`;
  let format = shortFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone });
    shortFormats.set(key, format);
  }
  const f = format;
  return (iso) => f.format(new Date(iso));
}
