import type { Metadata, Viewport } from 'next';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { ClientMessages } from '@/components/client-messages';
import { Header } from '@/components/header';
import './globals.css';

export const metadata: Metadata = { title: 'Support desk · incidents' };
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  const t = await getTranslations('app');
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2 focus:bg-white">
          {t('skip')}
        </a>
        {/* The error boundaries (client components) are the only ones outside a page's own provider. */}
        <ClientMessages namespaces={['errors']}>
          <Header />
          <main id="main" className="mx-auto max-w-6xl px-3 py-4 sm:px-6">
            {children}
          </main>
        </ClientMessages>
      </body>
    </html>
  );
}
