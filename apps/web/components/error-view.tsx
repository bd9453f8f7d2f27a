'use client';
import { useTranslations } from 'next-intl';

/** The body of every error.tsx: a message and a retry button; never the error's details. */
export function ErrorView({ reset }: { reset: () => void }) {
  const t = useTranslations('errors');
  return (
    <div role="alert" className="rounded-lg bg-white p-6 shadow">
      <h1 className="mb-2 text-xl font-semibold">{t('title')}</h1>
      <button type="button" onClick={reset} className="rounded bg-blue-700 px-3 py-2 text-white">
        {t('retry')}
      </button>
    </div>
  );
}
