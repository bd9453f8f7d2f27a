/**
 * The life of one incident, end to end: open a store on a temporary libSQL file, create an
 * incident as a customer, claim it, record progress, resolve and close it as an operator, and print
 * its history (one version per change, with who made it and why).
 *
 * Run: `node --import tsx src/lifecycle.ts`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Actor, collectAll, createIncidentService } from '@incidents/core';
import { createTursoStore } from '@incidents/store-turso';

const customer: Actor = { id: 'carla@example.com', roles: ['customer'] };
const operator: Actor = { id: 'ana@example.com', roles: ['operator'] };

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'incidents-example-'));
  const url = pathToFileURL(join(dir, 'incidents.db')).href;
  const store = await createTursoStore({ url });
  try {
    const incidents = createIncidentService({ store });

    const created = await incidents.create(
      {
        title: 'Checkout returns 502 for EU cards',
        description: 'Since 08:00 the payments API answers 502 to about 30% of EU card payments.',
        severity: 'HIGH',
        category: 'Application',
        team: 'payments',
      },
      { actor: customer },
    );
    const id = created.incident_id;
    console.log(`created ${id}: ${created.status}, priority ${created.priority}, due ${created.due_date}`);

    const claimed = await incidents.claim(id, { actor: operator });
    console.log(`claimed by ${claimed.assigned_to}: ${claimed.status}`);

    await incidents.startWork(id, { actor: operator });
    const progressed = await incidents.updateProgress(
      {
        incident_id: id,
        analysis: { root_cause: 'Expired TLS certificate on payments-api', diagnosis: 'TLS handshake failures' },
        progress_notes: 'Handshakes fail on 3 of 10 pods: those still mount the old secret.',
        time_spent_minutes: 25,
      },
      { actor: operator },
    );
    console.log(`progress recorded: ${progressed.status}, ${progressed.cline_work?.time_tracking.total_minutes} min`);

    const resolved = await incidents.resolve(
      {
        incident_id: id,
        solution: 'Renewed the certificate and restarted the pods',
        steps: ['Request a new certificate', 'Update the secret', 'Restart the deployment'],
        commands_executed: ['kubectl rollout restart deploy/payments-api'],
        code_changes: [
          { file: 'deploy/payments.yaml', description: 'mount the renewed secret', diff: '-tls-2025\n+tls-2026' },
        ],
        time_spent_minutes: 10,
      },
      { actor: operator },
    );
    console.log(`resolved: root cause "${resolved.resolution?.root_cause}"`);

    const closed = await incidents.close(id, { actor: operator, notes: 'Customer confirmed' });
    console.log(`closed: ${closed.status}, knowledge base ${closed.kb_sync_status.state}`);

    const history = await collectAll((cursor) => incidents.history(id, { limit: 10, cursor }, { actor: operator }));
    console.log('history:');
    for (const version of history) {
      console.log(
        `  v${version.version} ${version.status.padEnd(11)} by ${version.metadata.last_modified_by.padEnd(18)} ${version.metadata.version_notes ?? ''}`,
      );
    }
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
