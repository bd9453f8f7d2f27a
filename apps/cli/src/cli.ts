/**
 * The `incidents` command as a factory: {@link createCli} builds a fresh commander program for every
 * {@link Cli.run} call from injected dependencies (streams, environment, working directory, clock),
 * so nothing reads `argv` or the environment at import time and tests run it in-process.
 *
 * @module
 */
import { Command, Option } from 'commander';
import type { Clock, IdGenerator } from '@incidents/core';
import pkg from '../package.json' with { type: 'json' };
import { describeFailure, UsageError } from './errors.js';
import { rejectEmptyValues } from './options.js';
import { type CliOutput, createPrinter, type Printer } from './output/printer.js';
import { neutralizeControls } from './output/safe-text.js';
import { ROOT_COMMANDS } from './root-commands.js';
import type { GlobalOptions, ResolvedDeps, Runtime } from './runtime.js';

/** What the CLI needs from its environment. Only `stdout` and `stderr` are required. */
export interface CliDeps {
  /** Standard output: results (tables, or JSON with `--json`). Colours only when `isTTY`. */
  stdout: CliOutput;
  /** Standard error: error lines and notes. */
  stderr: CliOutput;
  /** Environment variables (`INCIDENTS_DB_URL`, `INCIDENTS_ACTOR`, `NO_COLOR`…); default none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Working directory for relative paths and the default `.incidents/` folder; default `process.cwd()`. */
  cwd?: string;
  /** Time source of the service (tests); the system clock by default. */
  clock?: Clock;
  /** Id source of the service (tests); random ids by default. */
  ids?: IdGenerator;
  /** Standard input, read by `comment <id>` without text. */
  stdin?: AsyncIterable<string | Uint8Array>;
  /** Whether stdin is a terminal (then `comment` does not wait for piped text). Default `true`. */
  stdinIsTTY?: boolean;
  /**
   * Subscribes to Ctrl-C for long-running commands (`dynamo local`); returns the unsubscribe function.
   * Default: SIGINT and SIGTERM of the current process.
   */
  onInterrupt?: (handler: () => void) => () => void;
}

/** A CLI instance. */
export interface Cli {
  /**
   * Runs one command line (the arguments after `incidents`, e.g. `['list', '--json']`) and resolves
   * with the exit code: 0 success, 1 failure (user error or system error), 2 usage error.
   * Never throws and never calls `process.exit`.
   */
  run(argv: readonly string[]): Promise<number>;
}

const ENV_HELP = `
Environment:
  INCIDENTS_DB_URL           libSQL URL or path (default file:.incidents/incidents.db)
  INCIDENTS_DB_AUTH_TOKEN    Turso cloud token (never printed)
  INCIDENTS_ACTOR            acting user's email, like --as
  INCIDENTS_STORE            turso (default) or dynamo
  INCIDENTS_DYNAMO_TABLE     DynamoDB table (default incidents)
  AWS_ENDPOINT_URL_DYNAMODB  DynamoDB endpoint, e.g. DynamoDB Local
  AWS_REGION                 AWS region
  INCIDENTS_HOME             folder of local data (default .incidents)
  UPSTASH_REDIS_REST_URL     Upstash Redis (with UPSTASH_REDIS_REST_TOKEN, never printed): read cache, queue
  INCIDENTS_REDIS_URL        Redis over TCP (redis://…) when Upstash is not set
  INCIDENTS_KB_BUCKET        S3 bucket for knowledge-base documents (default <home>/kb/documents)
  INCIDENTS_KB_PREFIX        document key prefix (default incidents/)
  AWS_ENDPOINT_URL_S3        S3 endpoint, e.g. s3rver or MinIO
  INCIDENTS_KB_MODE          local (default), bedrock or none (documents only)
  INCIDENTS_KB_ID            Amazon Bedrock knowledge base id (selects bedrock)
  INCIDENTS_KB_DATA_SOURCE_ID  its S3 data source id
  INCIDENTS_KB_LOCAL_URL     libSQL URL of the local index (default <home>/kb/index.db)
  INCIDENTS_CONFIG           connectors file for sync (default <home>/connectors.json)
  INCIDENTS_JIRA_*           BASE_URL, EMAIL + API_TOKEN or BEARER_TOKEN, JQL, PROJECT, TIME_ZONE
  INCIDENTS_SERVICENOW_*     BASE_URL, USERNAME + PASSWORD or BEARER_TOKEN, TABLE, QUERY
  INCIDENTS_REMEDY_*         BASE_URL, USERNAME, PASSWORD, FORM, QUERY
  INCIDENTS_ZENDESK_*        BASE_URL or SUBDOMAIN, EMAIL + API_TOKEN or BEARER_TOKEN
  INCIDENTS_SLACK_*          BOT_TOKEN, CHANNEL_ID, WORKSPACE_URL
  INCIDENTS_SHORTCUT_*       API_TOKEN, QUERY
                             (every prefix: PAGE_SIZE, TEAM, TIMEOUT_MS, CONCURRENCY, MAX_RETRIES)
  NO_COLOR                   disable colours
  INCIDENTS_DEBUG=1          print stack traces of errors

Without --as the CLI acts as the local admin (${'local-admin@localhost'}) on a local database;
with --as the user's role comes from the users table.

Exit codes: 0 success · 1 failed (bad input, not found, conflict, invalid transition,
permission denied, unknown user, system error) · 2 usage error.`;

function defaultInterrupt(handler: () => void): () => void {
  const h = () => handler();
  process.once('SIGINT', h);
  process.once('SIGTERM', h);
  return () => {
    process.off('SIGINT', h);
    process.off('SIGTERM', h);
  };
}

/** Registers one module's commands on the program. */
type Register = (program: Command, rt: Runtime) => void;

/**
 * The command modules, loaded on demand: a command's module (and what it imports — the AWS SDK, the
 * Redis clients, the connectors) is loaded only when that command runs, so `incidents list` does not
 * pay for `incidents dynamo`. Each entry names the top-level commands (and aliases) the module
 * registers; `test/lazy-commands.test.ts` checks the names against the modules.
 */
export const COMMAND_MODULES: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['init', 'seed', 'db'], load: async () => (await import('./commands/db.js')).registerDbCommands },
  {
    names: [
      'create',
      'list',
      'ls',
      'show',
      'claim',
      'assign',
      'release',
      'start',
      'pending',
      'close',
      'reopen',
      'cancel',
      'progress',
      'resolve',
      'comment',
      'history',
      'timeline',
      'metrics',
      'link',
    ],
    load: async () => (await import('./commands/incidents.js')).registerIncidentCommands,
  },
  { names: ['users'], load: async () => (await import('./commands/users.js')).registerUserCommands },
  { names: ['kb'], load: async () => (await import('./commands/kb.js')).registerKbCommands },
  { names: ['sync', 'conflicts'], load: async () => (await import('./commands/sync.js')).registerSyncCommands },
  { names: ['dynamo'], load: async () => (await import('./commands/dynamo.js')).registerDynamoCommands },
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemoCommand },
  { names: ['redis', 'queue'], load: async () => (await import('./commands/redis.js')).registerRedisCommands },
];

/** Global options that take a value (their value is not a command name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db', '--as', '--store', '--table', '--endpoint', '--region']);

/**
 * The command modules `argv` needs: the one that registers its command; none when the command line
 * names no command at all (the root help, `--version`: {@link ROOT_COMMANDS} lists the commands
 * without loading them); every module for an unknown command or `help <command>` (commander's
 * "did you mean" suggestions and the command's own help need the real commands).
 */
export function commandModulesFor(argv: readonly string[]): typeof COMMAND_MODULES {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return COMMAND_MODULES;
    if (arg.startsWith('-')) {
      if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    const match = COMMAND_MODULES.find((m) => m.names.includes(arg));
    return match ? [match] : COMMAND_MODULES;
  }
  return [];
}

/**
 * Lists the commands of {@link ROOT_COMMANDS} on `program` as description-only entries, so the root
 * help prints the same text as with every command module registered, without importing any.
 */
function addRootCommandList(program: Command): void {
  const terms = new Map<Command, string>();
  for (const { term, description } of ROOT_COMMANDS) {
    const [names = ''] = term.split(' ');
    const [name = '', alias] = names.split('|');
    const entry = program.command(name).description(description);
    if (alias) entry.alias(alias);
    terms.set(entry, term);
  }
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? help.subcommandTerm(cmd) });
}

/**
 * Creates the `incidents` CLI.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const cli = createCli({ stdout: { write: (s) => out.push(s) }, stderr: process.stderr, env: {}, cwd: '/tmp/demo' });
 * const code = await cli.run(['--db', 'file:/tmp/demo/incidents.db', 'list', '--json']);
 * ```
 */
export function createCli(deps: CliDeps): Cli {
  const resolved: ResolvedDeps = {
    env: deps.env ?? {},
    stdout: deps.stdout,
    stderr: deps.stderr,
    cwd: deps.cwd ?? process.cwd(),
    clock: deps.clock,
    ids: deps.ids,
    stdin: deps.stdin,
    stdinIsTTY: deps.stdinIsTTY ?? true,
    onInterrupt: deps.onInterrupt ?? defaultInterrupt,
  };

  return {
    async run(argv) {
      const program = new Command('incidents');
      let printer: Printer | undefined;
      const globals = () => program.opts<GlobalOptions>();
      const getPrinter = () => {
        printer ??= createPrinter({
          stdout: resolved.stdout,
          stderr: resolved.stderr,
          json: Boolean(globals().json),
          env: resolved.env,
        });
        return printer;
      };
      // The runtime (configuration, stores: @incidents/config, core's schemas, zod) is imported only
      // when a command module is registered, so the root help and --version do not load it.
      let rt: Runtime | undefined;
      program
        .description('Operational incidents from the terminal: create, claim, work, resolve, close, and audit them.')
        .version(pkg.version, '-V, --version', 'print the version')
        .option(
          '--db <url>',
          'libSQL database: file path, file:…, libsql://… (env INCIDENTS_DB_URL; default .incidents/incidents.db)',
        )
        .option(
          '--as <email>',
          'act as this registered user (env INCIDENTS_ACTOR; default: local admin on a local database)',
        )
        .option('--json', 'machine output on stdout: an incident object, or { items, cursor } for lists')
        .addOption(new Option('--store <store>', 'storage backend (env INCIDENTS_STORE)').choices(['turso', 'dynamo']))
        .option('--table <name>', 'DynamoDB table (env INCIDENTS_DYNAMO_TABLE; default incidents)')
        .option('--endpoint <url>', 'DynamoDB endpoint (env AWS_ENDPOINT_URL_DYNAMODB), e.g. http://127.0.0.1:8000')
        .option('--region <region>', 'AWS region (env AWS_REGION)')
        .exitOverride()
        .configureOutput({
          writeOut: (s) => resolved.stdout.write(neutralizeControls(s)),
          writeErr: (s) => resolved.stderr.write(neutralizeControls(s)),
        })
        .showSuggestionAfterError(true)
        .addHelpText('after', ENV_HELP)
        .hook('preAction', (_root, action) => {
          try {
            rejectEmptyValues(argv, action);
          } catch (err) {
            throw new UsageError((err as Error).message);
          }
        });

      const debug = resolved.env.INCIDENTS_DEBUG === '1' || resolved.env.INCIDENTS_DEBUG === 'true';
      try {
        // In order, so that the root help lists the commands as before.
        const modules = commandModulesFor(argv);
        if (modules.length === 0) addRootCommandList(program);
        else {
          const { createRuntime } = await import('./runtime.js');
          rt = createRuntime(resolved, argv, globals, getPrinter);
        }
        const registers = await Promise.all(modules.map((m) => m.load()));
        for (const register of registers) register(program, rt as Runtime);
        await program.parseAsync([...argv], { from: 'user' });
        return 0;
      } catch (err) {
        const { exitCode, lines } = describeFailure(err, debug);
        // Error messages quote input (ids, titles, emails): never let them drive the terminal.
        for (const line of lines) resolved.stderr.write(`${neutralizeControls(line)}\n`);
        return exitCode;
      } finally {
        await rt?.close();
      }
    },
  };
}
