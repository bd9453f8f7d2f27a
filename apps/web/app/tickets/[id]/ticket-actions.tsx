'use client';
import type { Action } from '@incidents/core';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { type ActionResult, ticketAction } from '@/lib/actions';

interface Props {
  incidentId: string;
  revision: number;
  actions: Action[];
  canComment: boolean;
  canInternal: boolean;
  canAssign: boolean;
}

const SIMPLE: Array<{ action: Action; label: string; form: string }> = [
  { action: 'claim', label: 'claim', form: 'claim' },
  { action: 'start', label: 'start', form: 'start' },
  { action: 'close', label: 'close', form: 'close' },
  { action: 'reopen', label: 'reopen', form: 'reopen' },
  { action: 'cancel', label: 'cancel', form: 'cancel' },
];

/** Every form posts the revision the page showed: a stale one comes back as a conflict. */
export function TicketActions({ incidentId, revision, actions, canComment, canInternal, canAssign }: Props) {
  const t = useTranslations('detail');
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(ticketAction, null);
  const hidden = (
    <>
      <input type="hidden" name="incident_id" value={incidentId} />
      <input type="hidden" name="expected_revision" value={revision} />
    </>
  );
  const button = 'rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60';
  const field = 'rounded border border-slate-400 px-2 py-1.5 text-sm';
  return (
    <div className="flex flex-col gap-3 rounded-lg bg-white p-4 shadow">
      <h2 className="text-lg font-semibold">{t('actions')}</h2>
      <div aria-live="polite">
        {state && !state.ok ? (
          <div role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800" data-testid="action-error">
            {state.code === 'conflict' ? (
              <>
                {t('conflict')}{' '}
                <a href={`/tickets/${encodeURIComponent(incidentId)}`} className="font-semibold underline">
                  {t('reload')}
                </a>
              </>
            ) : (
              state.error
            )}
          </div>
        ) : null}
        {state?.ok ? <p className="text-sm text-emerald-800">{t('done')}</p> : null}
      </div>
      <div className="flex flex-wrap gap-2">
        {SIMPLE.filter((s) => actions.includes(s.action)).map((s) => (
          <form key={s.action} action={action}>
            {hidden}
            <input type="hidden" name="action" value={s.form} />
            <button type="submit" className={button} disabled={pending} data-action={s.form}>
              {t(s.label)}
            </button>
          </form>
        ))}
      </div>
      {actions.includes('pending') ? (
        <form action={action} className="flex flex-col gap-1">
          {hidden}
          <input type="hidden" name="action" value="pending" />
          <label className="flex flex-col text-sm font-medium">
            {t('reason')}
            <input name="reason" className={field} />
          </label>
          <button type="submit" className={button} disabled={pending} data-action="pending">
            {t('pending')}
          </button>
        </form>
      ) : null}
      {canAssign && actions.includes('assign') ? (
        <form action={action} className="flex flex-col gap-1">
          {hidden}
          <input type="hidden" name="action" value="assign" />
          <label className="flex flex-col text-sm font-medium">
            {t('assignee')}
            <input name="assignee" type="email" className={field} />
          </label>
          <button type="submit" className={button} disabled={pending} data-action="assign">
            {t('assign')}
          </button>
        </form>
      ) : null}
      {actions.includes('resolve') ? (
        <form action={action} className="flex flex-col gap-1">
          {hidden}
          <input type="hidden" name="action" value="resolve" />
          <label className="flex flex-col text-sm font-medium">
            {t('solution')}
            <input name="solution" className={field} />
          </label>
          <label className="flex flex-col text-sm font-medium">
            {t('rootCause')}
            <input name="root_cause" className={field} />
          </label>
          <label className="flex flex-col text-sm font-medium">
            {t('steps')}
            <textarea name="steps" rows={3} className={field} />
          </label>
          <button type="submit" className={button} disabled={pending} data-action="resolve">
            {t('resolve')}
          </button>
        </form>
      ) : null}
      {canComment ? (
        <form action={action} className="flex flex-col gap-1">
          {hidden}
          <input type="hidden" name="action" value="comment" />
          <label className="flex flex-col text-sm font-medium">
            {t('commentText')}
            <textarea name="text" rows={3} className={field} />
          </label>
          {canInternal ? (
            <fieldset className="flex flex-col gap-1 text-sm">
              <legend className="font-medium">{t('visibility')}</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="visibility" value="PUBLIC" defaultChecked /> {t('visibilityPublic')}
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="visibility" value="INTERNAL" /> {t('visibilityInternal')}
              </label>
            </fieldset>
          ) : null}
          <button type="submit" className={button} disabled={pending} data-action="comment">
            {t('comment')}
          </button>
        </form>
      ) : null}
    </div>
  );
}
