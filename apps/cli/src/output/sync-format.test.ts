import type { SyncRunSummary } from '@incidents/connectors';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { syncSummaryText } from './sync-format.js';

const zero = {
  pages: 1,
  records: 3,
  created: 0,
  updated: 3,
  unchanged: 0,
  conflicts: 0,
  commentsImported: 0,
  pushed: 0,
  skipped: 0,
  failed: 0,
  dead: 0,
  pullMs: 10,
  pushMs: 1,
};

describe('syncSummaryText', () => {
  it('prints a connector warning (an expired resume cursor) once, under the table', () => {
    const summary: SyncRunSummary = {
      startedAt: '2026-12-05T09:00:00.000Z',
      finishedAt: '2026-12-05T09:00:01.000Z',
      durationMs: 1000,
      dryRun: false,
      connectors: [
        {
          connector: 'jira',
          ok: true,
          ...zero,
          warnings: [
            'the saved resume cursor was refused (HTTP 400); pulled again from the watermark minus the look-back',
          ],
        },
      ],
      totals: zero,
      errors: [],
    };
    const text = syncSummaryText(summary, pc.createColors(false));
    expect(text.match(/! jira: the saved resume cursor was refused/g)).toHaveLength(1);
  });
});
