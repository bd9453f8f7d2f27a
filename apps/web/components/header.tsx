import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { logout, setLocale } from '@/lib/actions';
import { currentActor } from '@/lib/dal';

/** The top bar: navigation by role, language switch, sign-out. */
export async function Header() {
  const actor = await currentActor();
  const t = await getTranslations('nav');
  const tr = await getTranslations('roles');
  const tApp = await getTranslations('app');
  const locale = await getLocale();
  const role = actor?.roles[0];
  const link = 'rounded px-2 py-1 text-sm font-medium text-white hover:bg-blue-800 underline-offset-4 hover:underline';
  return (
    <header className="bg-blue-700 text-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-2 px-3 py-2 sm:px-6">
        <span className="mr-2 font-semibold">{tApp('title')}</span>
        {actor ? (
          <nav aria-label="main" className="flex flex-wrap gap-1">
            <Link className={link} href="/tickets">
              {t('tickets')}
            </Link>
            <Link className={link} href="/tickets/new">
              {t('new')}
            </Link>
            {role === 'admin' ? (
              <Link className={link} href="/admin/users">
                {t('users')}
              </Link>
            ) : null}
            {role === 'admin' || role === 'operator' ? (
              <Link className={link} href="/metrics">
                {t('metrics')}
              </Link>
            ) : null}
          </nav>
        ) : null}
        <div className="ml-auto flex flex-wrap items-center gap-2 text-sm">
          {actor && role ? (
            <span data-testid="whoami">{t('signedInAs', { name: actor.name, role: tr(role) })}</span>
          ) : null}
          <form action={setLocale}>
            <input type="hidden" name="locale" value={locale === 'es' ? 'en' : 'es'} />
            <button type="submit" className="rounded border border-white/60 px-2 py-1" aria-label={t('language')}>
              {locale === 'es' ? 'English' : 'Español'}
            </button>
          </form>
          {actor ? (
            <form action={logout}>
              <button type="submit" className="rounded bg-white px-2 py-1 font-medium text-blue-800">
                {t('logout')}
              </button>
            </form>
          ) : null}
        </div>
      </div>
    </header>
  );
}
