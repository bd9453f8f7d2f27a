import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function TicketNotFound() {
  const t = await getTranslations('detail');
  return (
    <div className="rounded-lg bg-white p-6 shadow" data-testid="not-found">
      <h1 className="mb-2 text-xl font-semibold">{t('notFound')}</h1>
      <Link href="/tickets" className="text-blue-800 underline">
        {t('back')}
      </Link>
    </div>
  );
}
