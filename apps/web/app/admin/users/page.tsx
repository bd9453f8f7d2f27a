import { getTranslations } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { ClientMessages } from '@/components/client-messages';
import { listUsers, requireActor } from '@/lib/dal';
import { CreateUserForm, UserRowActions } from './user-forms';

/** The table's columns, in order: each is its header's message key in `users`. */
const COLUMNS = ['email', 'name', 'role', 'team', 'active', 'changeRole'] as const;

export default async function UsersPage() {
  const actor = await requireActor();
  if (!actor.roles.includes('admin')) notFound();
  const users = await listUsers();
  const t = await getTranslations('users');
  const tr = await getTranslations('roles');
  return (
    <ClientMessages namespaces={['users', 'roles']}>
      <div className="flex flex-col gap-4">
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <div className="overflow-x-auto rounded-lg bg-white shadow">
          <table className="w-full min-w-[640px] text-sm" data-testid="users">
            <thead className="border-b bg-slate-100">
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col" className="px-2 py-2 text-left">
                    {t(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.email} className="border-b last:border-0">
                  <td className="px-2 py-2">{u.email}</td>
                  <td className="px-2 py-2">{u.name}</td>
                  <td className="px-2 py-2">{tr(u.role)}</td>
                  <td className="px-2 py-2">{u.team ?? '—'}</td>
                  <td className="px-2 py-2">{u.active ? t('yes') : t('no')}</td>
                  <td className="px-2 py-2">
                    <UserRowActions email={u.email} role={u.role} active={u.active} self={u.email === actor.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <CreateUserForm />
      </div>
    </ClientMessages>
  );
}
