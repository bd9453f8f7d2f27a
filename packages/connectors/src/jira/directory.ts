/**
 * Jira Cloud hides most users' `emailAddress` (the user's profile visibility): an assignee then
 * comes with an `accountId` and a display name only. A user directory names the local user (by
 * email) such an account stands for: a fixed map of account ids, or the store's users matched by
 * display name (one active user with that exact name, case-insensitive).
 * @module
 */
import type { IncidentStore } from '@incidents/core';

/** A Jira user as the REST API returns it, email usually hidden. */
export interface JiraUserRef {
  accountId?: string;
  displayName?: string;
}

/** Resolves a Jira account to a local user's email. */
export interface JiraUserDirectory {
  /** The local user's email for a Jira account, or `undefined` when the account is unknown. */
  emailFor(user: JiraUserRef): Promise<string | undefined> | string | undefined;
}

/** A directory from a fixed map `accountId → email` (e.g. from configuration). */
export function accountIdDirectory(map: Readonly<Record<string, string>>): JiraUserDirectory {
  return {
    emailFor: (user) => (user.accountId && Object.hasOwn(map, user.accountId) ? map[user.accountId] : undefined),
  };
}

/**
 * A directory over the store's users, matched by display name (exactly one active user with that
 * name, case-insensitive; ambiguous names resolve to nobody). The users are read once, at the
 * first lookup; `accountIds` are tried first.
 */
export function storeUserDirectory(
  store: Pick<IncidentStore, 'listUsers'>,
  accountIds: Readonly<Record<string, string>> = {},
): JiraUserDirectory {
  let byName: Promise<Map<string, string | null>> | undefined;
  const load = async () => {
    const names = new Map<string, string | null>();
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<IncidentStore['listUsers']>> = await store.listUsers({ limit: 500, cursor });
      for (const user of page.items) {
        if (user.active === false) continue;
        const key = user.name.trim().toLowerCase();
        names.set(key, names.has(key) ? null : user.email);
      }
      cursor = page.cursor;
    } while (cursor);
    return names;
  };
  const fixed = accountIdDirectory(accountIds);
  return {
    async emailFor(user) {
      const direct = fixed.emailFor(user);
      if (direct) return direct;
      if (!user.displayName) return undefined;
      byName ??= load().catch((err: unknown) => {
        byName = undefined;
        throw err;
      });
      return (await byName).get(user.displayName.trim().toLowerCase()) ?? undefined;
    },
  };
}
