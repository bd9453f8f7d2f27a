import { NextIntlClientProvider } from 'next-intl';
import { getMessages } from 'next-intl/server';
import type { ReactNode } from 'react';

/**
 * Hands the client components below it the message namespaces they use — and only those. Without a
 * `messages` prop, next-intl's provider serialises the whole catalogue (every page's strings) into
 * the RSC payload and the HTML of every response; server components translate on the server and need
 * none of it. Locale, time zone and formats are still inherited from the request's configuration.
 */
export async function ClientMessages({ namespaces, children }: { namespaces: readonly string[]; children: ReactNode }) {
  const all = await getMessages();
  const messages = Object.fromEntries(namespaces.filter((n) => n in all).map((n) => [n, all[n]]));
  return <NextIntlClientProvider messages={messages}>{children}</NextIntlClientProvider>;
}
