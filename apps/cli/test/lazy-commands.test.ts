import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, commandModulesFor, createCli } from '../src/cli.js';
import { ROOT_COMMANDS } from '../src/root-commands.js';

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

  it('loads no module when no command is named (root help, version): the static list stands in', () => {
    for (const argv of [[], ['--help'], ['-h'], ['-V'], ['--db', 'list', '--help'], ['--json']]) {
      expect(commandModulesFor(argv)).toEqual([]);
    }
  });

  it('loads every module for unknown commands (suggestions) and `help <command>`', () => {
    for (const argv of [['lsit'], ['--', 'list'], ['help', 'list']]) {
      expect(commandModulesFor(argv)).toBe(COMMAND_MODULES);
    }
  });

  it('the static root command list matches the registered commands (term and description, in order)', async () => {
    const program = new Command('incidents');
    for (const entry of COMMAND_MODULES) (await entry.load())(program, {} as never);
    const help = program.createHelp();
    const registered = program.commands.map((c) => ({ term: help.subcommandTerm(c), description: c.description() }));
    expect(ROOT_COMMANDS).toEqual(registered);
  });

  it('the root help lists every registered command from the static list, and exits 0', async () => {
    const out: string[] = [];
    const cli = createCli({
      stdout: { write: (s: string) => void out.push(s) },
      stderr: { write: () => true },
      env: {},
    });
    expect(await cli.run(['--help'])).toBe(0);
    const text = out.join('');
    const program = new Command('incidents');
    for (const entry of COMMAND_MODULES) (await entry.load())(program, {} as never);
    const help = program.createHelp();
    for (const c of program.commands) expect(text).toContain(`\n  ${help.subcommandTerm(c)} `);
    expect(text).toContain('Environment:');
  });
});
