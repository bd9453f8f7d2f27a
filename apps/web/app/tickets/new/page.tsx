import { getTranslations } from 'next-intl/server';
import { ClientMessages } from '@/components/client-messages';
import { requireActor } from '@/lib/dal';
import { NewTicketForm } from './new-ticket-form';

export default async function NewTicketPage() {
  await requireActor();
  const t = await getTranslations('new');
  return (
    <div className="mx-auto max-w-2xl rounded-lg bg-white p-4 shadow sm:p-6">
      <h1 className="mb-4 text-2xl font-semibold">{t('title')}</h1>
      <ClientMessages namespaces={['new', 'severity']}>
        <NewTicketForm />
      </ClientMessages>
    </div>
  );
}
