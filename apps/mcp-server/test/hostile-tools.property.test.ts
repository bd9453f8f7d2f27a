/**
 * Property-based adversarial test of every MCP tool, through the real MCP SDK Client against the
 * BUILT server: generated hostile arguments (control and bidi characters, colour codes, paths, huge
 * and negative numbers, wrong types, nested objects, unknown fields, real and made-up incident ids).
 * Invariants for every call:
 * - the result is a success or an `isError` result whose text starts with an error code and, for
 *   bad input, names the field;
 * - never a stack trace;
 * - on error, the database is unchanged (every incident's revision, and the users);
 * - the human text holds no control characters (structured content stays exact);
 * - no configured secret appears in the text, the structured content or the server's log.
 */
import { hasControlCharacters } from '@incidents/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../src/tool-names.js';
import { ADMIN, ANA, BOB, createTestDb, seed, type Spawned, spawnServer, type TestDb, textOf } from './helpers.js';

/** Secrets the server is configured with; none may ever be shown. */
const SECRETS = {
  INCIDENTS_DB_AUTH_TOKEN: 'tok-db-7f3a9c1e55d24b6b',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-0b8e2d4f6a1c3e5f',
};

let db: TestDb;
let ana: Spawned;
let ids: string[];
/** Each tool's argument JSON schemas, from `tools/list`. */
let argSchemas: Map<string, Record<string, JsonSchema>>;
/** Each tool's required arguments. */
let requiredArgs: Map<string, string[]>;

interface JsonSchema {
  type?: string | string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  enum?: unknown[];
}

beforeAll(async () => {
  db = await createTestDb();
  const created = await seed(db, [
    { title: 'Queue backlog', assigned_to: ANA },
    { title: 'Disk full on build agent', assigned_to: ANA, severity: 'HIGH' },
    { title: 'Nobody has it', severity: 'LOW' },
    { title: "Bob's incident", assigned_to: BOB },
  ]);
  ids = created.map((i) => i.incident_id);
  ana = await spawnServer(db, { INCIDENTS_ACTOR: ANA, ...SECRETS });
  const { tools } = await ana.client.listTools();
  requiredArgs = new Map(tools.map((t) => [t.name, t.inputSchema.required ?? []]));
  argSchemas = new Map(tools.map((t) => [t.name, (t.inputSchema.properties ?? {}) as Record<string, JsonSchema>]));
});
afterAll(async () => {
  await ana?.close();
  await db.cleanup();
});

/** Every incident's id and revision, and the users: what an error must leave as it was. */
async function snapshot(): Promise<string> {
  const statuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING', 'RESOLVED', 'CLOSED', 'CANCELLED'] as const;
  const page = await db.store.queryIncidents({ by: 'status', status: [...statuses] }, { limit: 100 });
  const users = await db.store.listUsers({ limit: 100 });
  return JSON.stringify({
    incidents: page.items.map((i) => `${i.incident_id}@${i.revision}`).sort(),
    users: users.items.map((u) => u.email).sort(),
  });
}

const NASTY_TEXT = [
  '\u001b[31mred\u001b[0m',
  '\u001b]0;pwned\u0007',
  '\u001b[2J\u001b[H',
  'evil \u202e txt.exe',
  '\u0000\u0008\u009b',
  '../../etc/passwd',
  "'; DROP TABLE incidents; --",
  '__proto__',
  'constructor',
  '',
  '   ',
  'x'.repeat(20_000),
  'INC-NOPE',
  'ANA@EXAMPLE.COM',
  'javascript:alert(1)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a config-style placeholder as hostile input
  '${INCIDENTS_DB_AUTH_TOKEN}',
];

const hostileText = fc.oneof(
  fc.constantFrom(...NASTY_TEXT),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.constantFrom(...NASTY_TEXT), fc.string({ maxLength: 10 })).map(([a, b]) => `${b}${a}${b}`),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileText, { maxLength: 3 }),
  fc.array(fc.dictionary(hostileText, hostileText, { maxKeys: 2 }), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('file', 'description', 'root_cause', 'sudo'), hostileText, { maxKeys: 2 }),
);

/** A value of the schema's type, mostly hostile in content, sometimes of the wrong type. */
function valueFor(name: string, schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (name === 'incident_id') {
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: hostileText });
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let typed: fc.Arbitrary<unknown>;
  if (schema.enum?.length)
    typed = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: hostileText });
  else if (type === 'boolean') typed = fc.boolean();
  else if (type === 'integer' || type === 'number')
    typed = fc.oneof(fc.integer({ min: -2, max: 60 }), fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER));
  else if (type === 'array' && depth < 2)
    typed = fc.array(valueFor('', schema.items ?? {}, depth + 1), { maxLength: 4 });
  else if (type === 'object' && schema.properties && depth < 2)
    typed = fc.record(
      Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, valueFor(k, v, depth + 1)])),
      { requiredKeys: [] },
    );
  else typed = hostileText;
  return fc.oneof({ weight: 15, arbitrary: typed }, { weight: 1, arbitrary: hostileValue });
}

function argsFor(tool: string): fc.Arbitrary<Record<string, unknown>> {
  const schemas = argSchemas.get(tool) ?? {};
  const known = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, valueFor(name, schema)]));
  const required = requiredArgs.get(tool) ?? [];
  return fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.record(known, { requiredKeys: required }) },
        { weight: 1, arbitrary: fc.record(known, { requiredKeys: [] }) },
      ),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('as_admin', 'actor', 'author', 'extra'), hostileValue) },
      ),
    )
    .map(([args, extra]) => (extra ? { ...args, [extra[0]]: extra[1] } : args));
}

async function callTool(tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
  try {
    return (await ana.client.callTool({ name: tool, arguments: args })) as CallToolResult;
  } catch (err) {
    // A protocol-level refusal is an error result for the purpose of the invariants.
    return { content: [{ type: 'text', text: err instanceof Error ? err.message : String(err) }], isError: true };
  }
}

function expectInvariants(
  tool: string,
  args: Record<string, unknown>,
  r: CallToolResult,
  before: string,
  after: string,
) {
  const text = textOf(r);
  const everything = `${text}\n${JSON.stringify(r.structuredContent ?? null)}\n${ana.stderr()}`;
  const where = `${tool} ${JSON.stringify(args).slice(0, 300)} → ${text.slice(0, 300)}`;
  expect(text, where).not.toMatch(/\n\s+at \S+/);
  expect(text, where).not.toMatch(/\.[cm]?[jt]s:\d+:\d+/);
  expect(hasControlCharacters(text), where).toBe(false);
  for (const secret of Object.values(SECRETS)) expect(everything, where).not.toContain(secret);
  if (r.isError) {
    // `code: message`, or the SDK's input validation error naming the offending field.
    expect(text, where).toMatch(/^([a-z_.]+: |MCP error -?\d+: )/);
    expect(text, where).not.toMatch(/^internal_error/);
    expect(after, where).toBe(before);
  }
}

describe('hostile arguments for every MCP tool (fast-check, real MCP client)', () => {
  it('covers every tool the server lists', () => {
    expect([...argSchemas.keys()].sort()).toEqual([...TOOL_NAMES].sort());
  });

  it('success, or an isError naming a code/field; no stack, no control characters, no secret; nothing written on error', async () => {
    const call = fc.constantFrom(...TOOL_NAMES).chain((tool) => argsFor(tool).map((args) => ({ tool, args })));
    await fc.assert(
      fc.asyncProperty(call, async ({ tool, args }) => {
        const before = await snapshot();
        const r = await callTool(tool, args);
        const after = await snapshot();
        expectInvariants(tool, args, r, before, after);
      }),
      { numRuns: 200, seed: 20_261_205, endOnFailure: true },
    );
  }, 120_000);

  it('data with control characters written through one tool is shown escaped by the next', async () => {
    const [fresh] = await seed(db, [{ title: 'Printer overheating', assigned_to: ANA }]);
    const id = fresh?.incident_id as string;
    const note = 'Fuser at 240°C \u001b[31mHOT\u001b[0m \u001b]0;pwned\u0007 \u202eevil';
    const progress = await callTool('update_incident_progress', { incident_id: id, progress_notes: note });
    expect(progress.isError, textOf(progress)).toBeFalsy();
    const details = await callTool('get_incident_details', { incident_id: id });
    expect(details.isError, textOf(details)).toBeFalsy();
    expect(textOf(details)).toContain('\\x1b[31mHOT');
    expect(hasControlCharacters(textOf(details))).toBe(false);
    // The structured content keeps the exact text.
    expect(JSON.stringify(details.structuredContent)).toContain('\\u001b[31mHOT');
    expect(await db.service.get(id, { actor: ADMIN })).toMatchObject({ incident_id: id });
  });
});
