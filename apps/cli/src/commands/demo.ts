/**
 * `incidents demo`: the whole lifecycle on a fresh local database, printed step by step — users,
 * incidents, a claim race that one operator loses, work, analysis, resolution with a code change,
 * closure, a comment, the version history, the metrics, and finally the knowledge base: the closed
 * incidents are exported and ingested into a fresh local index (`<home>/demo/kb`), and the incidents
 * most similar to a new report are found.
 *
 * Output is deterministic except for incident ids and timestamps: the demo runs on a scripted clock
 * (it starts two hours ago and moves forward as the story does), so durations and metrics are stable.
 *
 * @module
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Actor,
  type Clock,
  ConflictError,
  createIncidentService,
  type Incident,
  type IncidentService,
  IncidentsError,
  STATUSES,
  systemClock,
} from '@incidents/core';
import { LOCAL_ADMIN, localDatabasePath } from '@incidents/config';
import type { Command } from 'commander';
import { formatMinutes, historyTable, incidentTable, statusStyle } from '../output/format.js';
import { formatStatistics, type SimilarRow, similarTable, snippetOf, titleOf } from '../output/kb-format.js';
import { renderTable } from '../output/table.js';
import { shellQuote } from '../options.js';
import { normalizeDbUrl, type Runtime } from '../runtime.js';

/** A clock the demo moves forward explicitly, so that durations in the story are stable. */
function scriptedClock(start: Date): Clock & { advance(minutes: number): void } {
  let t = start.getTime();
  let tick = 0;
  return {
    // Each reading moves a millisecond so that successive writes stay ordered.
    now: () => new Date(t + tick++),
    advance: (minutes) => {
      t += minutes * 60_000;
    },
  };
}

const USERS = [
  { email: 'lead@demo.example', name: 'Lucía Lead', role: 'admin', team: 'sre' },
  { email: 'ana@demo.example', name: 'Ana Operator', role: 'operator', team: 'payments' },
  { email: 'bob@demo.example', name: 'Bob Operator', role: 'operator', team: 'payments' },
] as const;

/** The other two incidents, fixed by Bob before the knowledge-base step. */
const OTHER_FIXES = [
  {
    solution: 'Added an index on invoices.created_at; the export now takes 12 minutes',
    root_cause: 'The export query scanned the whole invoices table once it passed 40 million rows',
    steps: ['Explained the export query', 'Created the index concurrently', 'Re-ran yesterday’s export'],
  },
  {
    solution: 'Fixed the wording of the password-reset template',
    root_cause: 'A copy change shipped in release 2.13 without proofreading',
    steps: ['Corrected templates/password-reset.html', 'Sent a test email'],
  },
] as const;

/** The new report whose similar past incidents the demo looks up. */
const NEW_REPORT = 'Card payments fail at checkout with 502 errors since the last release';

const DIFF = `--- a/services/checkout/config/gateway.yaml
+++ b/services/checkout/config/gateway.yaml
@@ -3,7 +3,8 @@ gateway:
   url: https://payments.internal
   timeout_ms: 2000
-  max_connections: 10
+  max_connections: 50
+  saturation_alarm_pct: 80
   retries: 2
`;

/** Registers `demo`. */
export function registerDemoCommand(program: Command, rt: Runtime): void {
  program
    .command('demo')
    .description('run the whole incident lifecycle on a fresh local database and print each step')
    .action(async () => {
      const p = rt.printer();
      const c = p.colors;
      const base = rt.config();
      const explicit = rt.globals().db;
      const dbUrl = explicit ? normalizeDbUrl(explicit, rt.deps.cwd) : `file:${base.home}/demo.db`;
      const path = localDatabasePath(dbUrl);
      if (!explicit && path) {
        await Promise.all(['', '-wal', '-shm', '-journal'].map((s) => rm(`${path}${s}`, { force: true })));
      }
      const store = await rt.openStoreWith({ ...base, store: 'turso', dbUrl });
      const existing = await store.queryIncidents({ by: 'status', status: [...STATUSES] }, { limit: 1 });
      if (existing.items.length > 0) {
        throw new IncidentsError(
          'validation',
          `the demo needs a fresh database, and ${path ?? dbUrl} already has incidents: remove it or pass another --db (without --db the demo recreates ${base.home}/demo.db)`,
        );
      }
      const clock = scriptedClock(new Date((rt.deps.clock ?? systemClock).now().getTime() - 2 * 60 * 60_000));
      const service: IncidentService = createIncidentService({
        store,
        clock,
        ...(rt.deps.ids ? { ids: rt.deps.ids } : {}),
      });
      const say = (text = '') => {
        if (!p.json) p.text(text);
      };
      const step = (n: number, title: string) => say(`\n${c.bold(`${n}. ${title}`)}`);
      const ok = (text: string) => say(`   ${c.green('✔')} ${text}`);
      const as = (actor: Actor) => ({ actor });
      const admin: Actor = LOCAL_ADMIN;

      say(c.bold('incidents demo — the whole lifecycle of an incident, step by step'));
      say(c.dim(`Database: ${path ?? dbUrl}${!explicit && path ? ' (recreated)' : ''}`));

      step(1, 'Users and roles');
      const actors: Record<string, Actor> = {};
      for (const u of USERS) {
        const user = await service.putUser({ email: u.email, name: u.name, role: u.role, team: u.team }, as(admin));
        actors[u.email] = { id: user.email, roles: [user.role], ...(user.team ? { team: user.team } : {}) };
      }
      say(
        renderTable(
          [
            { header: 'EMAIL', value: (u: (typeof USERS)[number]) => u.email },
            { header: 'ROLE', value: (u: (typeof USERS)[number]) => u.role },
            { header: 'TEAM', value: (u: (typeof USERS)[number]) => u.team },
          ],
          USERS,
          { headerStyle: c.bold },
        )
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `   ${l}`)
          .join('\n'),
      );
      const lead = actors['lead@demo.example'] as Actor;
      const ana = actors['ana@demo.example'] as Actor;
      const bob = actors['bob@demo.example'] as Actor;

      step(2, 'Incidents arrive');
      const checkout = await service.create(
        {
          title: 'Checkout returns 502 for card payments',
          description: 'Since 09:40 about 30% of card checkouts fail with HTTP 502 from checkout-api.',
          category: 'Application',
          severity: 'CRITICAL',
          team: 'payments',
          source_system: 'JIRA',
          external_id: 'PAY-1042',
          environment: 'PRODUCTION',
          affected_systems: ['checkout-api'],
          affected_services: ['payments'],
          technical_details: { error_messages: ['upstream connect error or disconnect/reset before headers'] },
          tags: ['checkout', '502'],
        },
        as(lead),
      );
      clock.advance(1);
      const invoices = await service.create(
        {
          title: 'Nightly invoice export takes 3 hours',
          category: 'Infrastructure',
          severity: 'MEDIUM',
          team: 'billing',
        },
        as(lead),
      );
      clock.advance(1);
      const typo = await service.create(
        { title: 'Typo in the password-reset email', category: 'Application', severity: 'LOW', team: 'web' },
        as(lead),
      );
      const created = [checkout, invoices, typo];
      say(indent(incidentTable(created, c)));
      ok(`${created.length} incidents created; ${checkout.incident_id} came from JIRA PAY-1042`);
      try {
        await service.create(
          { title: 'Checkout returns 502 (imported again)', source_system: 'JIRA', external_id: 'PAY-1042' },
          as(lead),
        );
        throw new IncidentsError('demo', 'the duplicate import should have been refused', { userError: false });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        ok(`importing JIRA PAY-1042 a second time is refused (${err.details.reason}): no duplicates`);
      }

      step(3, 'Claim — two operators race for the critical one');
      clock.advance(4);
      const bobRead = await service.get(checkout.incident_id, as(bob));
      const claimed = await service.claim(checkout.incident_id, as(ana));
      ok(`${ana.id} claimed ${claimed.incident_id}: ${statusStyle(c)(claimed.status)} (revision ${claimed.revision})`);
      let conflict = '';
      try {
        await service.claim({ incident_id: checkout.incident_id, expected_revision: bobRead.revision }, as(bob));
        throw new IncidentsError('demo', 'the second claim should have lost', { userError: false });
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        conflict = err.details.assignedTo ?? '';
        say(`   ${c.yellow('✖')} ${bob.id} claimed at the same time (he read revision ${bobRead.revision}) and lost:`);
        say(`     ${c.dim(`ConflictError: ${err.message}`)}`);
      }

      step(4, 'Start work');
      clock.advance(2);
      const started = await service.startWork(checkout.incident_id, as(ana));
      ok(`${started.incident_id} is ${statusStyle(c)(started.status)}; work log opened for ${ana.id}`);

      step(5, 'Progress with analysis');
      clock.advance(45);
      const progressed = await service.updateProgress(
        {
          incident_id: checkout.incident_id,
          analysis: {
            root_cause: 'Release 2.14 lowered the payments-gateway connection pool from 50 to 10',
            diagnosis: 'Pool saturates within 3 s at 50 concurrent checkouts; excess requests time out as 502',
            similar_incidents_found: 2,
          },
          progress_notes: 'Reproduced with k6 at 50 concurrent checkouts; pool metrics confirm saturation.',
          time_spent_minutes: 45,
        },
        as(ana),
      );
      const analysis = progressed.cline_work?.analysis;
      ok(`Root cause: ${analysis?.root_cause}`);
      ok(`Diagnosis:  ${analysis?.diagnosis}`);
      ok(
        `${analysis?.similar_incidents_found} similar incidents found · 45 min logged · progress note added (internal)`,
      );

      step(6, 'Resolve with steps, commands and a code change');
      clock.advance(30);
      const resolved = await service.resolve(
        {
          incident_id: checkout.incident_id,
          solution: 'Restored the gateway pool to 50 connections and added a saturation alarm',
          steps: [
            'Compared gateway.yaml between releases 2.13 and 2.14',
            'Raised max_connections back to 50 and added an 80% saturation alarm',
            'Rolled out checkout-api and re-ran the load test',
          ],
          commands_executed: ['kubectl rollout restart deploy/checkout-api', 'k6 run load/checkout.js --vus 50'],
          tests_performed: ['k6: 50 concurrent checkouts for 5 min, 0 errors'],
          code_changes: [
            {
              file: 'services/checkout/config/gateway.yaml',
              description: 'pool 10 → 50, saturation alarm',
              diff: DIFF,
            },
          ],
          time_spent_minutes: 30,
        },
        as(ana),
      );
      const solution = resolved.cline_work?.solution;
      ok(
        `${resolved.incident_id} is ${statusStyle(c)(resolved.status)} (${resolved.resolution?.resolution_type}): ${solution?.description}`,
      );
      for (const [i, s] of (solution?.steps ?? []).entries()) say(`     ${i + 1}. ${s}`);
      for (const cmd of solution?.commands_executed ?? []) say(`     ${c.dim('$')} ${cmd}`);
      for (const ch of solution?.code_changes ?? []) {
        say(`     ${c.dim('changed')} ${ch.file} — ${ch.description}`);
        for (const l of (ch.diff ?? '').replace(/\n$/, '').split('\n')) {
          say(
            `       ${l.startsWith('+') && !l.startsWith('+++') ? c.green(l) : l.startsWith('-') && !l.startsWith('---') ? c.red(l) : c.dim(l)}`,
          );
        }
      }
      say(
        `     ${c.dim(`time to resolve: ${formatMinutes(resolved.metrics.resolution_time_minutes)} · work logged: ${formatMinutes(resolved.cline_work?.time_tracking.total_minutes)}`)}`,
      );

      step(7, 'Close');
      clock.advance(10);
      const closed = await service.close(
        { incident_id: checkout.incident_id, reason: 'verified in production' },
        as(ana),
      );
      ok(
        `${closed.incident_id} is ${statusStyle(c)(closed.status)}; knowledge-base document: ${closed.kb_sync_status.state}`,
      );

      step(8, 'Comment');
      clock.advance(5);
      const comment = await service.addComment(
        {
          incident_id: checkout.incident_id,
          text: 'Thanks Ana. Postmortem on Thursday; alarm added to the runbook.',
          source: 'CLI',
        },
        as(lead),
      );
      ok(`${comment.author}: “${comment.text}”`);

      step(9, `History of ${checkout.incident_id} — every change is a version`);
      const versions = (await service.history(checkout.incident_id, { limit: 500 }, as(lead))).items;
      say(indent(historyTable(versions, c)));

      step(10, 'Metrics');
      const metrics = await service.metrics({}, as(lead));
      const sla = metrics.sla_compliance_rate === null ? '-' : `${Math.round(metrics.sla_compliance_rate * 100)}%`;
      ok(
        `${metrics.total_incidents} incidents · ${metrics.open_incidents} open · ${metrics.closed_incidents} closed · MTTR ${formatMinutes(metrics.avg_resolution_time_minutes) || '-'} · SLA compliance ${sla}`,
      );

      const timeline = await service.timeline(checkout.incident_id, { limit: 500 }, as(lead));

      step(11, 'Knowledge base — closed incidents answer "has this happened before?"');
      for (const [i, inc] of [invoices, typo].entries()) {
        const fix = OTHER_FIXES[i] as (typeof OTHER_FIXES)[number];
        clock.advance(15);
        await service.assign({ incident_id: inc.incident_id, assignee: bob.id }, as(lead));
        await service.startWork(inc.incident_id, as(bob));
        clock.advance(25);
        await service.resolve(
          {
            incident_id: inc.incident_id,
            solution: fix.solution,
            root_cause: fix.root_cause,
            steps: [...fix.steps],
            time_spent_minutes: 25,
          },
          as(bob),
        );
        await service.close(inc.incident_id, as(bob));
      }
      ok(`${bob.id} fixed and closed the two other incidents`);
      const kbHome = join(base.home, 'demo');
      await rm(join(kbHome, 'kb'), { recursive: true, force: true });
      const { createDefaultKbSetup, runKbSync } = await import('@incidents/kb-sync');
      const kb = await createDefaultKbSetup({ dir: kbHome });
      let kbData: Record<string, unknown>;
      let topMatch = '';
      try {
        const quiet = { info: () => {}, warn: () => {}, error: () => {} };
        const synced = await runKbSync({
          store,
          objectStore: kb.objectStore,
          knowledgeBase: kb.knowledgeBase,
          ingestion: { wait: true, force: true },
          metrics: false,
          logger: quiet,
          clock,
        });
        if (synced.status !== 'completed') {
          throw new IncidentsError('demo', `the knowledge-base sync ended ${synced.status}`, { userError: false });
        }
        ok(`${synced.synced} closed incidents exported as documents to ${kb.documentsDir}`);
        const stats = synced.ingestion.statistics;
        ok(
          `ingested into the local index ${kb.indexUrl.replace(/^file:/, '')}${stats ? `: ${formatStatistics(stats)}` : ''}`,
        );
        say(`   A new report arrives: “${NEW_REPORT}”`);
        const searcher = createIncidentService({ store, clock, knowledgeBase: kb.knowledgeBase });
        const similar = await searcher.findSimilar({ text: NEW_REPORT }, { limit: 3 }, as(ana));
        const rows: SimilarRow[] = similar.map((h) => ({
          incident_id: h.incident_id,
          score: h.score,
          title: titleOf(h.text, h.incident_id),
          resolution_type: typeof h.metadata.resolution_type === 'string' ? h.metadata.resolution_type : null,
          resolved_at: typeof h.metadata.resolved_at === 'string' ? h.metadata.resolved_at : null,
          snippet: snippetOf(h.text, NEW_REPORT, h.incident_id),
        }));
        say(`   ${c.bold('Similar past incidents')}`);
        say(indent(similarTable(rows, c)));
        const best = rows[0];
        if (best) {
          topMatch = best.incident_id;
          ok(
            `top match ${best.incident_id} “${best.title ?? ''}” — its fix is in the document: incidents show ${best.incident_id}`,
          );
        } else {
          say(`   ${c.yellow('✖')} no similar incident found`);
        }
        kbData = {
          documents_dir: kb.documentsDir,
          index: kb.indexUrl,
          synced: synced.synced,
          ingestion: { status: synced.ingestion.status ?? null, statistics: synced.ingestion.statistics ?? null },
          query: NEW_REPORT,
          similar: rows,
        };
      } finally {
        await kb.close();
      }

      const summary = `Demo complete: ${created.length} incidents created, ${closed.incident_id} closed after ${versions.length} versions and ${timeline.items.length} timeline entries; 1 concurrent claim rejected (assigned to ${conflict}). Knowledge base: ${kbData.synced} documents; top match for the new report: ${topMatch || 'none'}.`;
      say('');
      say(c.bold(c.green(summary)));
      // How the user runs this CLI: `incidents` once installed, `pnpm incidents` in a clone (the
      // root's `npm run demo` says so through INCIDENTS_PROGRAM).
      const program = rt.deps.env.INCIDENTS_PROGRAM?.trim() || 'incidents';
      const explore = `${program} --db ${path ? `file:${path}` : dbUrl}`;
      say(c.dim(`Explore it: ${explore} show ${closed.incident_id} --full   ·   ${explore} list --status all`));
      say(c.dim(`Search it:  INCIDENTS_HOME=${shellQuote(kbHome)} ${explore} kb search "502 at checkout"`));
      p.data({
        database: path ?? dbUrl,
        incidents: created.map((i: Incident) => i.incident_id),
        closed: closed.incident_id,
        versions: versions.length,
        timeline_entries: timeline.items.length,
        claim_conflict: { loser: bob.id, assigned_to: conflict },
        metrics,
        knowledge_base: kbData,
        summary,
      });
    });
}

function indent(block: string): string {
  return block
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}
