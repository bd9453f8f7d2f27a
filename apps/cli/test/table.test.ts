import { describe, expect, it } from 'vitest';
import { displayWidth, renderTable, truncate } from '../src/index.js';

describe('displayWidth', () => {
  it('counts wide, zero-width and ANSI characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('再設定')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1); // e + combining acute
    expect(displayWidth('🔥 fire')).toBe(7);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(displayWidth('한국어')).toBe(6);
  });

  it('truncates by columns with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('再設定です', 5)).toBe('再設…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('renderTable', () => {
  const rows = [
    { id: 'A', team: '決済', n: 5, title: 'Checkout returns 502' },
    { id: 'BB', team: 'web', n: 12, title: 'Café menu' },
  ];
  const columns = [
    { header: 'ID', value: (r: (typeof rows)[number]) => r.id },
    { header: 'TEAM', value: (r: (typeof rows)[number]) => r.team },
    { header: 'N', value: (r: (typeof rows)[number]) => String(r.n), align: 'right' as const },
    { header: 'TITLE', value: (r: (typeof rows)[number]) => r.title, flex: true },
  ];

  it('aligns columns by display width and right-aligns numbers', () => {
    expect(renderTable(columns, rows)).toBe(
      ['ID  TEAM   N  TITLE', 'A   決済   5  Checkout returns 502', 'BB  web   12  Café menu', ''].join('\n'),
    );
  });

  it('shrinks the flexible column to the terminal width', () => {
    const out = renderTable(columns, rows, { width: 26 });
    for (const line of out.trim().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(26);
    expect(out).toContain('Checkout re…');
  });

  it('keeps alignment when cells are coloured', () => {
    const [idColumn, teamColumn] = columns;
    if (!idColumn || !teamColumn) throw new Error('columns missing');
    const styled = renderTable([{ ...idColumn, style: (t: string) => `\u001b[1m${t}\u001b[22m` }, teamColumn], rows);
    const plain = renderTable([idColumn, teamColumn], rows);
    expect(styled.replaceAll('\u001b[1m', '').replaceAll('\u001b[22m', '')).toBe(plain);
  });
});
