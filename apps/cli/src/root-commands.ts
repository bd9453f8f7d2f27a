/**
 * The root help's command list, written out so that `incidents --help` (and `incidents` alone)
 * prints without importing any command module (issue 18 item 4: help ≤ 100 ms). Each row is the
 * command's term as commander prints it (name|alias, [options], arguments) and its description;
 * `test/lazy-commands.test.ts` checks the rows against the registered commands, so they cannot drift.
 *
 * @module
 */

/** One command of the root help: its term (`list|ls [options]`) and its description. */
export interface RootCommand {
  /** The command term as commander prints it: name, `|alias`, ` [options]`, arguments. */
  readonly term: string;
  /** The one-line description. */
  readonly description: string;
}

/** Every top-level command, in the order the root help lists them. */
export const ROOT_COMMANDS: readonly RootCommand[] = [
  {
    term: 'init',
    description: 'create or migrate the database (libSQL) or the table (DynamoDB), and print where it is',
  },
  { term: 'seed', description: 'load demo users, incidents and interactions into the database' },
  {
    term: 'db',
    description: 'libSQL database maintenance: backup, integrity check, ANALYZE/REINDEX/VACUUM, statistics',
  },
  { term: 'create [options]', description: 'create an incident (status NEW, or ASSIGNED with --assign)' },
  {
    term: 'list|ls [options]',
    description: 'list incidents by one access pattern (default: open incidents by status and priority)',
  },
  { term: 'show [options] <id>', description: 'an incident with its work, resolution, comments and source records' },
  {
    term: 'claim [options] <id>',
    description: 'take an unassigned NEW incident for yourself (of concurrent claims, one wins)',
  },
  { term: 'assign [options] <id> <email>', description: 'assign (or reassign) an incident to someone' },
  { term: 'release [options] <id>', description: 'give an incident back to the queue (NEW, unassigned)' },
  { term: 'start [options] <id>', description: 'start work: ASSIGNED or PENDING → IN_PROGRESS' },
  { term: 'pending [options] <id>', description: 'waiting on someone else: → PENDING' },
  { term: 'close [options] <id>', description: 'RESOLVED → CLOSED (queues the knowledge-base document)' },
  { term: 'reopen [options] <id>', description: 'RESOLVED, CLOSED or CANCELLED → ASSIGNED (or NEW)' },
  { term: 'cancel [options] <id>', description: 'cancel an open incident' },
  { term: 'progress [options] <id>', description: 'record analysis, progress notes and time spent (→ IN_PROGRESS)' },
  { term: 'resolve [options] <id>', description: 'register the solution and resolution (→ RESOLVED)' },
  {
    term: 'comment [options] <id> [text...]',
    description: 'add a comment (public unless --internal); without text, reads it from stdin',
  },
  { term: 'history [options] <id>', description: 'every version of an incident: version, when, who, status, notes' },
  {
    term: 'timeline [options] <id>',
    description: 'the interactions of an incident, newest first (comments, status changes, assignments)',
  },
  {
    term: 'metrics [options]',
    description: 'resolution metrics (MTTR, SLA compliance, backlog) for everyone, a team or a person',
  },
  {
    term: 'link <from> <to>',
    description: 'link an incident into another (e.g. a Slack report into its Zendesk ticket); the old id redirects',
  },
  { term: 'users', description: 'people and services, with their roles' },
  {
    term: 'kb',
    description: 'knowledge base of closed incidents: export and ingest them, check the state, search similar ones',
  },
  {
    term: 'sync [options] <connector>',
    description:
      'pull incidents from the configured vendor systems (Jira, ServiceNow, Remedy, Zendesk, Slack, Shortcut) and push local comments and status changes back',
  },
  {
    term: 'conflicts',
    description: 'incidents whose fields changed both here and in the source system (both values kept)',
  },
  { term: 'dynamo', description: 'DynamoDB: create the table, run DynamoDB Local' },
  { term: 'demo', description: 'run the whole incident lifecycle on a fresh local database and print each step' },
  { term: 'redis', description: 'Redis cache and queue (Upstash REST or TCP)' },
  { term: 'queue', description: 'the Redis work queue: list, drain, retry dead tasks' },
];
