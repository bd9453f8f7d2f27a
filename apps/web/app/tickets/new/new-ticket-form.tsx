'use client';
import { createIncidentInputSchema, SEVERITIES } from '@incidents/core';
import { useTranslations } from 'next-intl';
import { useActionState, useState } from 'react';
import { createTicket } from '@/lib/actions';

/** The form validates with core's schema in the browser too; the Server Action validates again. */
export function NewTicketForm() {
  const t = useTranslations('new');
  const tsev = useTranslations('severity');
  const [state, action, pending] = useActionState(createTicket, null);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const errors = { ...(state && !state.ok ? (state.fieldErrors ?? {}) : {}), ...clientErrors };
  const field = 'rounded border border-slate-400 px-2 py-2 text-base';
  return (
    <form
      action={action}
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        const data = new FormData(e.currentTarget);
        const parsed = createIncidentInputSchema().safeParse({
          title: String(data.get('title') ?? ''),
          description: String(data.get('description') ?? ''),
          category: String(data.get('category') ?? '') || undefined,
          severity: String(data.get('severity') ?? '') || undefined,
        });
        if (!parsed.success) {
          e.preventDefault();
          setClientErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])));
        } else {
          setClientErrors({});
        }
      }}
    >
      {Object.keys(errors).length > 0 ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm text-red-800">
          {t('fix')}
        </p>
      ) : null}
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t('ticketTitle')}
        <input
          name="title"
          className={field}
          aria-invalid={Boolean(errors.title)}
          aria-describedby={errors.title ? 'title-error' : undefined}
        />
      </label>
      {errors.title ? (
        <p id="title-error" className="text-sm text-red-800">
          {errors.title}
        </p>
      ) : null}
      <label className="flex flex-col gap-1 text-sm font-medium">
        {t('description')}
        <textarea name="description" rows={5} className={field} />
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t('category')}
          <input name="category" defaultValue="General" className={field} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t('severity')}
          <select name="severity" defaultValue="MEDIUM" className={field}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {tsev(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button
        type="submit"
        data-testid="create-ticket"
        disabled={pending}
        className="self-start rounded bg-blue-700 px-4 py-2 font-medium text-white disabled:opacity-60"
      >
        {t('submit')}
      </button>
    </form>
  );
}
