/**
 * Contract of the daily series of the metrics aggregates (created vs resolved per UTC day),
 * registered by `runIncidentStoreContract` in its own file.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../ids.js';
import type { Actor } from '../model/user.js';
import type { IncidentStore } from '../ports/incident-store.js';
import type { IncidentService } from '../service/incident-service.js';

const admin: { actor: Actor } = { actor: { id: 'admin@example.com', roles: ['admin'] } };
const ana: { actor: Actor } = { actor: { id: 'ana@example.com', roles: ['operator'] } };

/** What the suite hands to this section for the current test. */
export interface DailyMetricsFixture {
  store: IncidentStore;
  service: IncidentService;
  clock: Clock & { advance(ms: number): void };
}

/** Registers the created-vs-resolved-per-day tests. */
export function describeDailyMetricsContract(fixture: () => DailyMetricsFixture): void {
  describe('metrics aggregates: created vs resolved per UTC day', () => {
    it('counts creations by the day of created_at and resolutions by the day of resolved_at', async () => {
      const { store, service, clock } = fixture();
      const day = (offset: number) => new Date(clock.now().getTime() + offset).toISOString().slice(0, 10);
      const first = day(0);
      const made = [];
      for (const title of ['Disk full', 'VPN down', 'Mail slow']) {
        made.push(await service.create({ title, category: 'Infrastructure', team: 'platform' }, admin));
      }
      clock.advance(24 * 3600_000);
      const second = day(0);
      await service.create({ title: 'Printer offline', category: 'Hardware', team: 'facilities' }, admin);
      const done = made[0]?.incident_id as string;
      await service.claim(done, ana);
      await service.resolve({ incident_id: done, solution: 'cleaned up /var', root_cause: 'log rotation off' }, ana);

      const agg = await store.aggregateMetrics({});
      expect(agg.created_per_day).toEqual({ [first]: 3, [second]: 1 });
      expect(agg.resolved_per_day).toEqual({ [second]: 1 });
      const platform = await store.aggregateMetrics({ team: 'platform' });
      expect(platform.created_per_day).toEqual({ [first]: 3 });
      expect(platform.resolved_per_day).toEqual({ [second]: 1 });

      const report = await service.metrics({}, admin);
      expect(report.daily).toEqual([
        { date: first, created: 3, resolved: 0 },
        { date: second, created: 1, resolved: 1 },
      ]);
    });

    it('reports empty series for an empty scope', async () => {
      const { store, service } = fixture();
      await service.create({ title: 'Disk full', category: 'Infrastructure' }, admin);
      const none = await store.aggregateMetrics({ from: '2999-01-01T00:00:00.000Z' });
      expect(none.created_per_day).toEqual({});
      expect(none.resolved_per_day).toEqual({});
    });
  });
}
