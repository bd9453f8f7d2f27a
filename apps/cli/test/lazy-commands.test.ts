import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandModulesFor } from '../src/cli.js';

describe('command modules loaded on demand', () => {
  it('each module registers exactly the top-level commands its entry names', async () => {
    for (const entry of COMMAND_MODULES) {
      const program = new Command('incidents');
      (await entry.load())(program, {} as never);
      const registered = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
      expect([...registered].sort()).toEqual([...entry.names].sort());
    }
  });

  it('no command name belongs to two modules', () => {
    const names = COMMAND_MODULES.flatMap((m) => m.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('loads only the module of the command, skipping global options and their values', () => {
    const only = (argv: string[]) => commandModulesFor(argv).flatMap((m) => m.names);
    expect(only(['list'])).toContain('ls');
    expect(only(['--db', 'seed', 'show', 'INC-1'])).toContain('show');
    expect(only(['--db', 'seed', 'show', 'INC-1'])).not.toContain('seed');
    expect(only(['--json', '--as', 'queue', 'dynamo', 'local'])).toEqual(['dynamo']);
    expect(only(['--store=dynamo', 'queue', 'drain'])).toEqual(['redis', 'queue']);
  });

  it('loads every module for the root help, the version, and unknown commands (suggestions)', () => {
    for (const argv of [[], ['--help'], ['-V'], ['lsit'], ['--', 'list']]) {
      expect(commandModulesFor(argv)).toBe(COMMAND_MODULES);
    }
  });
});
