/**
 * Contract of the `text` filter of `IncidentQuery`, registered by `runIncidentStoreContract` (kept in
 * its own file so that the suite's sections can change independently).
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { IncidentsError } from '../errors.js';
import type { Incident } from '../model/incident.js';
import type { Actor } from '../model/user.js';
import type { IncidentQuery } from '../ports/incident-store.js';
import { collectAll } from '../ports/pagination.js';
import type { IncidentService } from '../service/incident-service.js';

const admin: { actor: Actor } = { actor: { id: 'admin@example.com', roles: ['admin'] } };
const ana: { actor: Actor } = { actor: { id: 'ana@example.com', roles: ['operator'] } };

/** Registers the `text` filter tests; `service()` is the suite's service of the current test. */
export function describeQueryTextContract(service: () => IncidentService): void {
  describe('query text filter (id, title, description)', () => {
    async function seed(): Promise<Incident[]> {
      const specs: Array<{ id: string; title: string; description?: string; team: string; due?: boolean }> = [
        { id: 'TXT-001', title: 'Printer jams on floor 3', team: 'facilities', due: true },
        { id: 'TXT-002', title: 'VPN drops every hour', description: 'Since Monday', team: 'network' },
        {
          id: 'TXT-003',
          title: 'Badge reader offline',
          description: 'The PRINTER next to it works',
          team: 'facilities',
        },
        {
          id: 'TXT-004',
          title: 'Disk at 100% on db-2',
          description: 'quota_limit reached',
          team: 'platform',
          due: true,
        },
        { id: 'TXT-005', title: 'Mail delayed', description: 'backslash \\ in the path C:\\temp', team: 'platform' },
        { id: 'TXT-006', title: 'printer toner low', team: 'facilities', due: true },
        { id: 'TXT-007', title: 'Laptop fan noise', team: 'facilities' },
      ];
      const made: Incident[] = [];
      for (const s of specs) {
        made.push(
          await service().create(
            {
              incident_id: s.id,
              title: s.title,
              description: s.description ?? '',
              category: 'Hardware',
              team: s.team,
              ...(s.due ? { due_date: '2030-01-01T00:00:00.000Z' } : {}),
            },
            admin,
          ),
        );
      }
      return made;
    }

    const ids = async (query: IncidentQuery, limit = 50) =>
      (await collectAll((cursor) => service().query(query, { limit, cursor }, admin))).map((i) => i.incident_id);

    it('matches a substring of the title or the description, case-insensitively, in the pattern order', async () => {
      await seed();
      const all = await ids({ by: 'status', status: 'NEW' });
      const printer = await ids({ by: 'status', status: 'NEW', text: 'PrInTeR' });
      expect(printer.sort()).toEqual(['TXT-001', 'TXT-003', 'TXT-006']);
      // Same relative order as the unfiltered pattern.
      expect(await ids({ by: 'status', status: 'NEW', text: 'printer' })).toEqual(
        all.filter((id) => printer.includes(id)),
      );
      expect(await ids({ by: 'status', status: 'NEW', text: 'nothing like this' })).toEqual([]);
    });

    it('matches the incident id', async () => {
      await seed();
      expect(await ids({ by: 'status', status: 'NEW', text: 'txt-002' })).toEqual(['TXT-002']);
    });

    it('treats %, _ and \\ as plain characters', async () => {
      await seed();
      expect(await ids({ by: 'status', status: 'NEW', text: '100%' })).toEqual(['TXT-004']);
      expect(await ids({ by: 'status', status: 'NEW', text: '%' })).toEqual(['TXT-004']);
      expect(await ids({ by: 'status', status: 'NEW', text: 'quota_' })).toEqual(['TXT-004']);
      expect(await ids({ by: 'status', status: 'NEW', text: '_' })).toEqual(['TXT-004']);
      expect(await ids({ by: 'status', status: 'NEW', text: 'C:\\temp' })).toEqual(['TXT-005']);
    });

    it('pages through the matches only, without losing or repeating one', async () => {
      await seed();
      const onePerPage = await ids({ by: 'status', status: 'NEW', text: 'printer' }, 1);
      expect(onePerPage).toEqual(await ids({ by: 'status', status: 'NEW', text: 'printer' }));
      const first = await service().query({ by: 'status', status: 'NEW', text: 'printer' }, { limit: 3 }, admin);
      expect(first.items).toHaveLength(3);
      expect(first.cursor).toBeNull();
    });

    it('combines with the team, assignee and due patterns', async () => {
      const made = await seed();
      expect((await ids({ by: 'team', team: 'facilities', text: 'printer' })).sort()).toEqual([
        'TXT-001',
        'TXT-003',
        'TXT-006',
      ]);
      expect(await ids({ by: 'team', team: 'network', text: 'printer' })).toEqual([]);
      const printers = ['TXT-001', 'TXT-003', 'TXT-006'];
      const due = (await ids({ by: 'due', status: 'NEW' })).filter((id) => printers.includes(id));
      expect(due.length).toBeGreaterThan(0);
      expect(await ids({ by: 'due', status: 'NEW', text: 'printer' })).toEqual(due);
      const toClaim = made.find((i) => i.incident_id === 'TXT-006') as Incident;
      await service().claim(toClaim.incident_id, ana);
      await service().claim('TXT-007', ana);
      expect(await ids({ by: 'assignee', assigned_to: 'ana@example.com', text: 'PRINTER' })).toEqual(['TXT-006']);
    });

    it('refuses an empty text with a validation error naming the field', async () => {
      await seed();
      const err = await service()
        .query({ by: 'status', status: 'NEW', text: '   ' }, {}, admin)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IncidentsError);
      expect((err as IncidentsError).code).toBe('validation');
      expect(JSON.stringify((err as IncidentsError).details)).toContain('text');
    });
  });
}
