'use client';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { login } from '@/lib/actions';

export function LoginForm({ next }: { next: string }) {
  const t = useTranslations('login');
  const [state, action, pending] = useActionState(login, null);
  const error = state && !state.ok ? (state.code === 'rate_limited' ? t('rateLimited') : t('invalid')) : null;
  return (
    <form action={action} className="flex flex-col gap-3" noValidate>
      <input type="hidden" name="next" value={next} />
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t('email')}
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          className="rounded border border-slate-400 px-2 py-2 text-base"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t('password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded border border-slate-400 px-2 py-2 text-base"
        />
      </label>
      {error ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800" data-testid="login-error">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        data-testid="login-submit"
        disabled={pending}
        className="rounded bg-blue-700 px-3 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-60"
      >
        {t('submit')}
      </button>
    </form>
  );
}
