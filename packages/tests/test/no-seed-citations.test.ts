/**
 * Comments, tests and documents cite the numbered requirements of docs/REQUIREMENTS.md (`R-ACCESS-1`)
 * or state the rule inline — never the user's original design notes, which are not part of this
 * repository and which a maintainer cannot open.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SELF = 'packages/tests/test/no-seed-citations.test.ts';

/** "seed 003", "seeds 001/002", "Seed-000", "seeds/", "seed GSI-2" — not "incidents seed" or "seeds 100,000". */
const CITATION = /\bseeds?[ -]?0\d\d\b|\bseeds\/|\bseed GSI-/i;
const TEXT = /\.(?:[cm]?[jt]sx?|json|md|mdx|sql|ya?ml|css|html|sh)$/;

/** Tracked and new (not ignored) text files of the repository. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split('\0').filter((f) => f && f !== SELF && TEXT.test(f) && !f.endsWith('pnpm-lock.yaml'));
}

describe('requirement citations', () => {
  it('no file cites the original design notes by number (cite docs/REQUIREMENTS.md ids instead)', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted in the work tree, not yet committed
      }
      text.split('\n').forEach((line, i) => {
        if (CITATION.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('the pattern catches citations and leaves the CLI command and demo data alone', () => {
    for (const cited of [
      '(seed 003)',
      'seeds 001/002',
      'Seed 000 GSI-1',
      'seed-004',
      'shared/seeds/x.txt',
      'seed GSI-5',
    ]) {
      expect(CITATION.test(cited), cited).toBe(true);
    }
    for (const fine of [
      'incidents seed --store dynamo',
      'seedDemoData(store)',
      'seeds 100,000 incidents',
      'seededRandom',
    ]) {
      expect(CITATION.test(fine), fine).toBe(false);
    }
  });
});
