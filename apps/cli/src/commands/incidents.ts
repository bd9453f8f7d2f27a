/**
 * Incident commands: create, list, show, the lifecycle (claim, assign, release, start, progress,
 * pending, resolve, close, reopen, cancel), comment, history, timeline, metrics and link.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type CodeChange,
  type CreateIncidentInput,
  type Incident,
  type IncidentQuery,
  OPEN_STATUSES,
  type ResolveInput,
  STATUSES,
  type Status,
  type UpdateProgressInput,
} from '@incidents/core';
import { UsageError } from '../errors.js';
import { collect, collectList, collectUpperList, integer, minutes, upper, when } from '../options.js';
import {
  formatTime,
  historyTable,
  incidentDetails,
  incidentLine,
  incidentTable,
  metricsSummary,
  timelineTable,
} from '../output/format.js';
import type { Runtime } from '../runtime.js';
import { addPagingOptions, fetchPaged, type PagingOptions, pageFooter } from './paging.js';

const revisionOption = () =>
  new Option('--expect-revision <n>', 'fail with a conflict unless the incident is still at this revision').argParser(
    integer(1, Number.MAX_SAFE_INTEGER),
  );

/** Registers the incident commands on `program`. */
export function registerIncidentCommands(program: Command, rt: Runtime): void {
  registerCreate(program, rt);
  registerList(program, rt);
  registerShow(program, rt);
  registerLifecycle(program, rt);
  registerProgress(program, rt);
  registerResolve(program, rt);
  registerComment(program, rt);
  registerHistory(program, rt);
  registerMetrics(program, rt);
  registerLink(program, rt);
}

function printIncident(rt: Runtime, incident: Incident, verb: string): void {
  const p = rt.printer();
  p.result(incident, () => `${p.colors.green('✔')} ${verb} ${incidentLine(incident, p.colors)}`);
}

function ref(id: string, opts: { expectRevision?: number; reason?: string }) {
  return {
    incident_id: id,
    ...(opts.expectRevision !== undefined ? { expected_revision: opts.expectRevision } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
  };
}

interface CreateOptions {
  title: string;
  description?: string;
  category?: string;
  subcategory?: string;
  severity?: string;
  priority?: string;
  team?: string;
  due?: string;
  env?: string;
  tags?: string[];
  labels?: string[];
  systems?: string[];
  services?: string[];
  error?: string[];
  id?: string;
  source?: string;
  externalId?: string;
  url?: string;
  assign?: string;
}

function registerCreate(program: Command, rt: Runtime): void {
  program
    .command('create')
    .description('create an incident (status NEW, or ASSIGNED with --assign)')
    .requiredOption('-t, --title <text>', 'short summary')
    .option('-d, --description <text>', 'what happens, for whom, since when')
    .option('--category <name>', 'Infrastructure, Application, Network… (default General)')
    .option('--subcategory <name>', 'finer classification')
    .option('-s, --severity <level>', 'CRITICAL, HIGH, MEDIUM (default) or LOW', upper)
    .option('-p, --priority <p>', 'P1…P4 (default from the severity)', upper)
    .option('--team <team>', 'responsible team')
    .option('--due <date>', 'due date, YYYY-MM-DD or ISO date-time (default from the severity SLA)', when)
    .option('--env <environment>', 'PRODUCTION (default), STAGING, DEVELOPMENT or QA', upper)
    .option('--tags <tags>', 'tags, comma-separated or repeated', collectList)
    .option('--labels <labels>', 'labels, comma-separated or repeated', collectList)
    .option('--systems <systems>', 'affected systems, comma-separated or repeated', collectList)
    .option('--services <services>', 'affected services, comma-separated or repeated', collectList)
    .option('--error <message>', 'an error message seen (repeatable)', collect)
    .option('--id <id>', 'explicit incident id (default INC-…)')
    .option('--source <system>', 'source system: JIRA, REMEDY, SERVICENOW, ZENDESK, SLACK, SHORTCUT or MANUAL', upper)
    .option('--external-id <id>', 'id in the source system')
    .option('--url <url>', 'link to the record in the source system')
    .option('--assign <email>', 'assign on creation (admins and services)')
    .action(async (o: CreateOptions) => {
      const service = await rt.service();
      const input: CreateIncidentInput = {
        title: o.title,
        ...(o.description !== undefined ? { description: o.description } : {}),
        ...(o.category ? { category: o.category } : {}),
        ...(o.subcategory ? { subcategory: o.subcategory } : {}),
        ...(o.severity ? { severity: o.severity as CreateIncidentInput['severity'] } : {}),
        ...(o.priority ? { priority: o.priority as CreateIncidentInput['priority'] } : {}),
        ...(o.team ? { team: o.team } : {}),
        ...(o.due ? { due_date: o.due } : {}),
        ...(o.env ? { environment: o.env as CreateIncidentInput['environment'] } : {}),
        ...(o.tags ? { tags: o.tags } : {}),
        ...(o.labels ? { labels: o.labels } : {}),
        ...(o.systems ? { affected_systems: o.systems } : {}),
        ...(o.services ? { affected_services: o.services } : {}),
        ...(o.error ? { technical_details: { error_messages: o.error } } : {}),
        ...(o.id ? { incident_id: o.id } : {}),
        ...(o.source ? { source_system: o.source as CreateIncidentInput['source_system'] } : {}),
        ...(o.externalId ? { external_id: o.externalId } : {}),
        ...(o.url ? { source_url: o.url } : {}),
        ...(o.assign ? { assigned_to: o.assign } : {}),
      };
      const incident = await service.create(input, await rt.ctx());
      printIncident(rt, incident, 'Created');
    });
}

interface ListOptions extends PagingOptions {
  status?: string[];
  priority?: string;
  assignee?: string;
  mine?: boolean;
  team?: string;
  category?: string;
  severity?: string;
  source?: string;
  externalId?: string;
  due?: boolean;
  dueBefore?: string;
}

/** Maps the list filters onto exactly one access pattern of the store. */
export async function buildListQuery(o: ListOptions, rt: Runtime): Promise<{ query: IncidentQuery; what: string }> {
  const selectors = [
    (o.assignee || o.mine) && '--assignee/--mine',
    o.team && '--team',
    o.category && '--category',
    o.source && '--source',
    (o.due || o.dueBefore) && '--due',
  ].filter(Boolean) as string[];
  if (selectors.length > 1) {
    throw new UsageError(`${selectors.join(' and ')} select different indexes; use one of them per listing`);
  }
  if (o.assignee && o.mine) throw new UsageError('use either --assignee or --mine');
  if (o.severity && !o.category) throw new UsageError('--severity filters a --category listing; add --category');
  if (o.externalId && !o.source) throw new UsageError('--external-id needs --source');
  const selector = selectors[0];
  if (o.priority && selector)
    throw new UsageError(`--priority filters the status listing; it cannot be combined with ${selector}`);
  if (o.status && (selector === '--category' || selector === '--source')) {
    throw new UsageError(`--status cannot be combined with ${selector} (that index is not keyed by status)`);
  }
  const wantsAll = o.status?.includes('ALL');
  if (wantsAll && (o.status?.length ?? 0) > 1)
    throw new UsageError('--status all cannot be combined with other statuses');
  const statuses = (wantsAll ? [...STATUSES] : (o.status ?? [...OPEN_STATUSES])) as Status[];
  const statusLabel = wantsAll ? 'all statuses' : o.status ? o.status.join(', ') : 'open';
  const status = statuses.length === 1 ? (statuses[0] as Status) : statuses;

  if (o.assignee || o.mine) {
    const who = o.mine ? (await rt.actor()).id : (o.assignee as string);
    return { query: { by: 'assignee', assigned_to: who, status }, what: `${statusLabel}, assigned to ${who}` };
  }
  if (o.team) return { query: { by: 'team', team: o.team, status }, what: `${statusLabel}, team ${o.team}` };
  if (o.category) {
    return {
      query: { by: 'category', category: o.category, ...(o.severity ? { severity: o.severity as never } : {}) },
      what: `category ${o.category}${o.severity ? `, ${o.severity}` : ''}, by severity`,
    };
  }
  if (o.source) {
    return {
      query: { by: 'source', source_system: o.source as never, ...(o.externalId ? { external_id: o.externalId } : {}) },
      what: `from ${o.source}${o.externalId ? ` ${o.externalId}` : ''}`,
    };
  }
  if (o.due || o.dueBefore) {
    return {
      query: { by: 'due', status, ...(o.dueBefore ? { due_before: o.dueBefore } : {}) },
      what: `${statusLabel}, by due date${o.dueBefore ? ` before ${formatTime(o.dueBefore)}` : ''}`,
    };
  }
  return {
    query: { by: 'status', status, ...(o.priority ? { priority: o.priority as never } : {}) },
    what: `${statusLabel}${o.priority ? `, ${o.priority}` : ''}, by status and priority`,
  };
}

function registerList(program: Command, rt: Runtime): void {
  const cmd = program
    .command('list')
    .alias('ls')
    .description('list incidents by one access pattern (default: open incidents by status and priority)')
    .option('--status <status>', 'statuses, comma-separated or repeated; "all" for every status', collectUpperList)
    .option('--priority <p>', 'only this priority (status listing)', upper)
    .option('--assignee <email>', "someone's incidents")
    .option('--mine', 'my incidents (the --as user)')
    .option('--team <team>', "a team's incidents")
    .option('--category <category>', 'incidents of a category, most severe first')
    .option('--severity <level>', 'with --category: only this severity', upper)
    .option('--source <system>', 'incidents imported from a source system', upper)
    .option('--external-id <id>', 'with --source: the incident with this external id')
    .option('--due', 'incidents with a due date, soonest first')
    .option('--due-before <date>', 'incidents due before this date (implies --due)', when);
  addPagingOptions(cmd, 25).action(async (o: ListOptions) => {
    const { query, what } = await buildListQuery(o, rt);
    const service = await rt.service();
    const ctx = await rt.ctx();
    const page = await fetchPaged(o, (p) => service.query(query, p, ctx));
    const p = rt.printer();
    p.result(page, () => {
      if (page.items.length === 0 && !page.cursor) return p.colors.dim(`No incidents (${what}).`);
      return `${page.items.length ? incidentTable(page.items, p.colors, p.width) : ''}${pageFooter(rt, page.items.length, 'incident', what, page.cursor)}`;
    });
  });
}

function registerShow(program: Command, rt: Runtime): void {
  program
    .command('show')
    .description('an incident with its work, resolution, comments and source records')
    .argument('<id>', 'incident id')
    .option('--full', 'also technical details, every progress note, work sessions, diffs and metrics')
    .action(async (id: string, o: { full?: boolean }) => {
      const service = await rt.service();
      const details = await service.get(id, await rt.ctx());
      const p = rt.printer();
      p.result(details, () => incidentDetails(details, p.colors, Boolean(o.full)));
    });
}

function registerLifecycle(program: Command, rt: Runtime): void {
  program
    .command('claim')
    .description('take an unassigned NEW incident for yourself (of concurrent claims, one wins)')
    .argument('<id>', 'incident id')
    .addOption(revisionOption())
    .action(async (id: string, o: { expectRevision?: number }) => {
      const service = await rt.service();
      printIncident(rt, await service.claim(ref(id, o), await rt.ctx()), 'Claimed');
    });

  program
    .command('assign')
    .description('assign (or reassign) an incident to someone')
    .argument('<id>', 'incident id')
    .argument('<email>', 'the new assignee')
    .addOption(revisionOption())
    .action(async (id: string, email: string, o: { expectRevision?: number }) => {
      const service = await rt.service();
      printIncident(rt, await service.assign({ ...ref(id, o), assignee: email }, await rt.ctx()), 'Assigned');
    });

  const simple: Array<{
    name: string;
    verb: string;
    description: string;
    call: 'release' | 'startWork' | 'setPending' | 'close' | 'reopen' | 'cancel';
    reason: boolean;
  }> = [
    {
      name: 'release',
      verb: 'Released',
      description: 'give an incident back to the queue (NEW, unassigned)',
      call: 'release',
      reason: true,
    },
    {
      name: 'start',
      verb: 'Started',
      description: 'start work: ASSIGNED or PENDING → IN_PROGRESS',
      call: 'startWork',
      reason: false,
    },
    {
      name: 'pending',
      verb: 'Pending',
      description: 'waiting on someone else: → PENDING',
      call: 'setPending',
      reason: true,
    },
    {
      name: 'close',
      verb: 'Closed',
      description: 'RESOLVED → CLOSED (queues the knowledge-base document)',
      call: 'close',
      reason: true,
    },
    {
      name: 'reopen',
      verb: 'Reopened',
      description: 'RESOLVED, CLOSED or CANCELLED → ASSIGNED (or NEW)',
      call: 'reopen',
      reason: true,
    },
    { name: 'cancel', verb: 'Cancelled', description: 'cancel an open incident', call: 'cancel', reason: true },
  ];
  for (const s of simple) {
    const cmd = program.command(s.name).description(s.description).argument('<id>', 'incident id');
    if (s.reason) cmd.option('-r, --reason <text>', 'why (kept in the timeline and the version notes)');
    cmd.addOption(revisionOption()).action(async (id: string, o: { expectRevision?: number; reason?: string }) => {
      const service = await rt.service();
      const incident = await service[s.call](ref(id, o), await rt.ctx());
      printIncident(rt, incident, s.verb);
    });
  }
}

function registerProgress(program: Command, rt: Runtime): void {
  program
    .command('progress')
    .description('record analysis, progress notes and time spent (→ IN_PROGRESS)')
    .argument('<id>', 'incident id')
    .option('-n, --notes <text>', 'progress notes (an internal comment on the timeline)')
    .option('--root-cause <text>', 'analysis: the root cause')
    .option('--diagnosis <text>', 'analysis: the diagnosis')
    .option('--similar <n>', 'analysis: how many similar incidents were found', integer(0, 1_000_000))
    .option('--minutes <n>', 'minutes worked in this session', minutes)
    .option('--session <id>', 'work session id (e.g. of your coding assistant)')
    .option('--workspace <path>', 'workspace the work happens in')
    .addOption(revisionOption())
    .action(
      async (
        id: string,
        o: {
          notes?: string;
          rootCause?: string;
          diagnosis?: string;
          similar?: number;
          minutes?: number;
          session?: string;
          workspace?: string;
          expectRevision?: number;
        },
      ) => {
        const analysis = {
          ...(o.rootCause ? { root_cause: o.rootCause } : {}),
          ...(o.diagnosis ? { diagnosis: o.diagnosis } : {}),
          ...(o.similar !== undefined ? { similar_incidents_found: o.similar } : {}),
        };
        const input: UpdateProgressInput = {
          ...ref(id, o),
          ...(Object.keys(analysis).length ? { analysis } : {}),
          ...(o.notes ? { progress_notes: o.notes } : {}),
          ...(o.minutes !== undefined ? { time_spent_minutes: o.minutes } : {}),
          ...(o.session ? { session_id: o.session } : {}),
          ...(o.workspace ? { workspace: o.workspace } : {}),
        };
        const service = await rt.service();
        printIncident(rt, await service.updateProgress(input, await rt.ctx()), 'Progress recorded on');
      },
    );
}

/** Parses `--change file:description` values. */
export function parseChanges(values: readonly string[]): CodeChange[] {
  return values.map((v) => {
    const at = v.indexOf(':');
    const file = (at < 0 ? v : v.slice(0, at)).trim();
    const description = at < 0 ? '' : v.slice(at + 1).trim();
    if (!file || at < 0 || !description) throw new UsageError(`--change "${v}": expected file:description`);
    return { file, description };
  });
}

/** The file a unified diff changes (its `+++ b/path` header), if any. */
export function fileOfDiff(diff: string): string | undefined {
  const m = /^\+\+\+ (?:b\/)?([^\t\n]+)/m.exec(diff);
  const file = m?.[1]?.trim();
  return file && file !== '/dev/null' ? file : undefined;
}

function registerResolve(program: Command, rt: Runtime): void {
  program
    .command('resolve')
    .description('register the solution and resolution (→ RESOLVED)')
    .argument('<id>', 'incident id')
    .requiredOption('--solution <text>', 'what was done, in a sentence or two')
    .option('--step <text>', 'a step taken (repeatable, in order)', collect)
    .option('--command <cmd>', 'a command executed (repeatable)', collect)
    .option('--test <text>', 'a test performed (repeatable)', collect)
    .option('--change <file:description>', 'a code change (repeatable)', collect)
    .option('--diff-file <path>', 'a unified diff, attached to the last --change (or to the file it patches)')
    .option('--type <type>', 'FIXED (default), WORKAROUND, DUPLICATE, NOT_REPRODUCIBLE or WONT_FIX', upper)
    .option('--root-cause <text>', 'root cause (default: the one recorded with progress)')
    .option('--preventive <text>', 'a preventive action (repeatable)', collect)
    .option('--docs-updated', 'documentation was updated')
    .option('--minutes <n>', 'minutes worked in this last session', minutes)
    .addOption(revisionOption())
    .action(
      async (
        id: string,
        o: {
          solution: string;
          step?: string[];
          command?: string[];
          test?: string[];
          change?: string[];
          diffFile?: string;
          type?: string;
          rootCause?: string;
          preventive?: string[];
          docsUpdated?: boolean;
          minutes?: number;
          expectRevision?: number;
        },
      ) => {
        const changes = parseChanges(o.change ?? []);
        if (o.diffFile) {
          const path = resolve(rt.deps.cwd, o.diffFile);
          let diff: string;
          try {
            diff = await readFile(path, 'utf8');
          } catch (err) {
            throw new UsageError(
              `--diff-file ${o.diffFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
            );
          }
          const last = changes[changes.length - 1];
          if (last) last.diff = diff;
          else {
            const file = fileOfDiff(diff);
            if (!file)
              throw new UsageError(
                `--diff-file ${basename(path)} names no file (no "+++" header); add --change file:description`,
              );
            changes.push({ file, description: '', diff });
          }
        }
        const input: ResolveInput = {
          ...ref(id, o),
          solution: o.solution,
          steps: o.step ?? [],
          ...(o.command ? { commands_executed: o.command } : {}),
          ...(o.test ? { tests_performed: o.test } : {}),
          ...(changes.length ? { code_changes: changes } : {}),
          ...(o.type ? { resolution_type: o.type as ResolveInput['resolution_type'] } : {}),
          ...(o.rootCause ? { root_cause: o.rootCause } : {}),
          ...(o.preventive ? { preventive_actions: o.preventive } : {}),
          ...(o.docsUpdated ? { documentation_updated: true } : {}),
          ...(o.minutes !== undefined ? { time_spent_minutes: o.minutes } : {}),
        };
        const service = await rt.service();
        printIncident(rt, await service.resolve(input, await rt.ctx()), 'Resolved');
      },
    );
}

/** Reads a whole stream as UTF-8 text. */
export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

function registerComment(program: Command, rt: Runtime): void {
  program
    .command('comment')
    .description('add a comment (public unless --internal); without text, reads it from stdin')
    .argument('<id>', 'incident id')
    .argument('[text...]', 'the comment')
    .option('--internal', 'visible to operators and services only')
    .action(async (id: string, words: string[], o: { internal?: boolean }) => {
      let text = words.join(' ');
      if (!text.trim()) {
        if (rt.deps.stdinIsTTY || !rt.deps.stdin)
          throw new UsageError('missing comment text: incidents comment <id> <text>');
        text = (await readAll(rt.deps.stdin)).trim();
      }
      const service = await rt.service();
      const comment = await service.addComment(
        { incident_id: id, text, visibility: o.internal ? 'INTERNAL' : 'PUBLIC', source: 'CLI' },
        await rt.ctx(),
      );
      const p = rt.printer();
      p.result(
        comment,
        () =>
          `${p.colors.green('✔')} ${o.internal ? 'Internal comment' : 'Comment'} ${p.colors.dim(comment.comment_id)} added to ${p.colors.bold(id)} by ${comment.author}`,
      );
    });
}

function registerHistory(program: Command, rt: Runtime): void {
  const history = program
    .command('history')
    .description('every version of an incident: version, when, who, status, notes')
    .argument('<id>', 'incident id');
  addPagingOptions(history, 500).action(async (id: string, o: PagingOptions) => {
    const service = await rt.service();
    const ctx = await rt.ctx();
    const page = await fetchPaged(o, (p) => service.history(id, p, ctx));
    const p = rt.printer();
    p.result(
      page,
      () =>
        `${historyTable(page.items, p.colors, p.width)}${pageFooter(rt, page.items.length, 'version', `history of ${id}`, page.cursor)}`,
    );
  });

  const timeline = program
    .command('timeline')
    .description('the interactions of an incident, newest first (comments, status changes, assignments)')
    .argument('<id>', 'incident id');
  addPagingOptions(timeline, 50).action(async (id: string, o: PagingOptions) => {
    const service = await rt.service();
    const ctx = await rt.ctx();
    const page = await fetchPaged(o, (p) => service.timeline(id, p, ctx));
    const p = rt.printer();
    p.result(
      page,
      () =>
        `${timelineTable(page.items, p.colors, p.width)}${pageFooter(rt, page.items.length, 'interaction', `timeline of ${id}, newest first`, page.cursor)}`,
    );
  });
}

function registerMetrics(program: Command, rt: Runtime): void {
  program
    .command('metrics')
    .description('resolution metrics (MTTR, SLA compliance, backlog) for everyone, a team or a person')
    .option('--team <team>', 'only this team')
    .option('--assignee <email>', 'only incidents assigned to this person')
    .option('--from <date>', 'created on or after (YYYY-MM-DD or ISO)', when)
    .option('--to <date>', 'created before (YYYY-MM-DD or ISO)', when)
    .action(async (o: { team?: string; assignee?: string; from?: string; to?: string }) => {
      const service = await rt.service();
      const report = await service.metrics(
        {
          ...(o.team ? { team: o.team } : {}),
          ...(o.assignee ? { assigned_to: o.assignee } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
        },
        await rt.ctx(),
      );
      const p = rt.printer();
      p.result(report, () => metricsSummary(report, p.colors));
    });
}

function registerLink(program: Command, rt: Runtime): void {
  program
    .command('link')
    .description('link an incident into another (e.g. a Slack report into its Zendesk ticket); the old id redirects')
    .argument('<from>', 'the incident that is merged (e.g. SL-1718000000.000100)')
    .argument('<to>', 'the incident that remains (e.g. ZD-12345)')
    .action(async (from: string, to: string) => {
      const service = await rt.service();
      const target = await service.link({ from, to }, await rt.ctx());
      const result = { ...target, redirected_from: from };
      const p = rt.printer();
      p.result(
        result,
        () =>
          `${p.colors.green('✔')} Linked ${p.colors.bold(from)} into ${incidentLine(target, p.colors)}\n${p.colors.dim(`redirected from ${from}: \`incidents show ${from}\` now shows ${target.incident_id}`)}`,
      );
    });
}
