import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdGenerator, systemClock } from '../src/ids.js';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]+$/;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createIdGenerator', () => {
  it('makes INC- incident ids of 10 Crockford base32 characters, unique', () => {
    const ids = createIdGenerator();
    const made = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = ids.incidentId();
      expect(id).toMatch(/^INC-[0-9A-HJKMNP-TV-Z]{10}$/);
      made.add(id);
    }
    expect(made.size).toBe(1000);
  });

  it('makes session ids', () => {
    const id = createIdGenerator().sessionId();
    expect(id).toMatch(/^S-[0-9A-HJKMNP-TV-Z]{12}$/);
  });

  it('makes interaction ids that sort in creation order within one millisecond', () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-01-05T09:00:00.000Z'));
    const ids = createIdGenerator();
    const made = Array.from({ length: 2000 }, () => ids.interactionId());
    expect(new Set(made).size).toBe(2000);
    expect([...made].sort()).toEqual(made);
    for (const id of made) {
      expect(id).toHaveLength(22);
      expect(id).toMatch(CROCKFORD);
    }
    // The first 10 characters encode the time: equal within the millisecond.
    expect(new Set(made.map((id) => id.slice(0, 10))).size).toBe(1);
  });

  it('makes interaction ids that sort in creation order across milliseconds', () => {
    let t = Date.parse('2026-01-05T09:00:00.000Z');
    vi.spyOn(Date, 'now').mockImplementation(() => {
      t += 1;
      return t;
    });
    const ids = createIdGenerator();
    const made = Array.from({ length: 500 }, () => ids.interactionId());
    expect([...made].sort()).toEqual(made);
  });

  it('keeps interaction ids monotonic when the wall clock steps back', () => {
    const base = Date.parse('2026-01-05T09:00:00.000Z');
    const times = [base, base + 5, base + 5, base - 2_000, base - 1_999, base + 5, base + 6];
    let call = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => times[Math.min(call++, times.length - 1)] as number);
    const ids = createIdGenerator();
    const made = times.map(() => ids.interactionId());
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('encodes the time so ids of later milliseconds sort after', () => {
    const ids = createIdGenerator();
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-01-05T09:00:00.000Z'));
    const early = ids.interactionId();
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2030-01-05T09:00:00.000Z'));
    const late = ids.interactionId();
    expect(early < late).toBe(true);
  });
});

describe('systemClock', () => {
  it('returns the current time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
