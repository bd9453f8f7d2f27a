'use client';
import { ROLES, type Role } from '@incidents/core';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { createUser, updateUser } from '@/lib/actions';

const PEOPLE: Role[] = ['customer', 'operator', 'admin'];

export function UserRowActions({
  email,
  role,
  active,
  self,
}: {
  email: string;
  role: Role;
  active: boolean;
  self: boolean;
}) {
  const t = useTranslations('users');
  const tr = useTranslations('roles');
  const [state, action, pending] = useActionState(updateUser, null);
  if (self) return <span className="text-slate-500">—</span>;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={action} className="flex items-center gap-1">
        <input type="hidden" name="email" value={email} />
        <label className="sr-only" htmlFor={`role-${email}`}>
          {t('role')}
        </label>
        <select
          id={`role-${email}`}
          name="role"
          defaultValue={role}
          className="rounded border border-slate-400 px-1 py-1 text-xs"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </select>
        <button
          type="submit"
          disabled={pending}
          className="rounded border border-blue-700 px-2 py-1 text-xs text-blue-800"
        >
          {t('save')}
        </button>
      </form>
      <form action={action}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="active" value={active ? 'false' : 'true'} />
        <button
          type="submit"
          disabled={pending}
          className="rounded border border-red-700 px-2 py-1 text-xs text-red-800"
        >
          {active ? t('deactivate') : t('activate')}
        </button>
      </form>
      {state && !state.ok ? (
        <span role="alert" className="text-xs text-red-800">
          {state.error}
        </span>
      ) : null}
    </div>
  );
}

export function CreateUserForm() {
  const t = useTranslations('users');
  const tr = useTranslations('roles');
  const [state, action, pending] = useActionState(createUser, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const field = 'rounded border border-slate-400 px-2 py-1.5 text-sm';
  return (
    <form action={action} className="grid gap-2 rounded-lg bg-white p-4 shadow sm:grid-cols-3" noValidate>
      <h2 className="text-lg font-semibold sm:col-span-3">{t('create')}</h2>
      <label className="flex flex-col text-sm font-medium">
        {t('email')}
        <input name="email" type="email" required className={field} aria-invalid={Boolean(errors.email)} />
        {errors.email ? <span className="text-xs text-red-800">{errors.email}</span> : null}
      </label>
      <label className="flex flex-col text-sm font-medium">
        {t('name')}
        <input name="name" className={field} />
      </label>
      <label className="flex flex-col text-sm font-medium">
        {t('role')}
        <select name="role" defaultValue="customer" className={field}>
          {PEOPLE.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-sm font-medium">
        {t('team')}
        <input name="team" className={field} />
      </label>
      <label className="flex flex-col text-sm font-medium">
        {t('password')}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          className={field}
          aria-invalid={Boolean(errors.password)}
        />
        {errors.password ? <span className="text-xs text-red-800">{errors.password}</span> : null}
      </label>
      <div className="flex items-end">
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white"
        >
          {t('create')}
        </button>
      </div>
      {state && !state.ok && !state.fieldErrors ? (
        <p role="alert" className="text-sm text-red-800 sm:col-span-3">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? <p className="text-sm text-emerald-800 sm:col-span-3">✓</p> : null}
    </form>
  );
}
