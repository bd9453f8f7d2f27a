/**
 * Paging through a query with cursors: every list of the SDK returns `{ items, cursor }`, and
 * `cursor` is `null` only after the last page. Pass the cursor back to get the next page — it is an
 * opaque string, valid across processes (a CLI or an HTTP API can hand it to its caller).
 *
 * Run: `node --import tsx src/paginate.ts`
 */
import { type Actor, collectAll, createIncidentService, type Incident } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';

const admin: Actor = { id: 'admin@example.com', roles: ['admin'] };

async function main(): Promise<void> {
  const store = await createTursoStore({ url: ':memory:' });
  try {
    const incidents = createIncidentService({ store });
    const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
    for (let i = 1; i <= 23; i++) {
      await incidents.create(
        { title: `Alert ${i}: disk usage above 90%`, severity: severities[i % 4], team: 'platform' },
        { actor: admin },
      );
    }
    await incidents.create({ title: 'Another team', team: 'payments' }, { actor: admin });

    // Page by page, the way a UI or an API would.
    let cursor: string | null = null;
    let pages = 0;
    let seen = 0;
    do {
      const page: { items: Incident[]; cursor: string | null } = await incidents.query(
        { by: 'team', team: 'platform' },
        { limit: 5, cursor },
        { actor: admin },
      );
      pages += 1;
      seen += page.items.length;
      console.log(`page ${pages}: ${page.items.length} incidents, ${page.cursor ? 'more to come' : 'last page'}`);
      cursor = page.cursor;
    } while (cursor);
    console.log(`total: ${seen} incidents in ${pages} pages`);

    // Or everything at once, for jobs that need it all.
    const all = await collectAll((next) =>
      incidents.query({ by: 'status', status: 'NEW' }, { limit: 10, cursor: next }, { actor: admin }),
    );
    console.log(`all NEW incidents: ${all.length}`);
    console.log(`distinct ids: ${new Set(all.map((i) => i.incident_id)).size}`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
