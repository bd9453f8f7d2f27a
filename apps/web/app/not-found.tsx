import Link from 'next/link';
import { getTranslations } from 'next-intl/server';

export default async function NotFound() {
  const t = await getTranslations('errors');
  const td = await getTranslations('detail');
  return (
    <div className="rounded-lg bg-white p-6 shadow">
      <h1 className="mb-2 text-xl font-semibold">{t('notFound')}</h1>
      <Link href="/tickets" className="text-blue-800 underline">
        {td('back')}
      </Link>
    </div>
  );
}
