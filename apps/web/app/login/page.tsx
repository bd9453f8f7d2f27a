import { getTranslations } from 'next-intl/server';
import { redirect } from 'next/navigation';
import { ClientMessages } from '@/components/client-messages';
import { currentActor } from '@/lib/dal';
import { LoginForm } from './login-form';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentActor()) redirect('/tickets');
  const { next } = await searchParams;
  const t = await getTranslations('login');
  return (
    <div className="mx-auto mt-8 max-w-sm rounded-lg bg-white p-6 shadow">
      <h1 className="mb-4 text-2xl font-semibold">{t('title')}</h1>
      <ClientMessages namespaces={['login']}>
        <LoginForm next={typeof next === 'string' ? next : ''} />
      </ClientMessages>
      <p className="mt-4 text-sm text-slate-600">{t('demo')}</p>
    </div>
  );
}
