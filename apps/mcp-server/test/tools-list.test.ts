import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_ONLY_TOOLS, TOOL_NAMES } from '../src/tool-names.js';
import { ANA, createTestDb, runExpectingExit, spawnServer, type TestDb } from './helpers.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.cleanup();
});

async function listTools(env: Record<string, string>) {
  const s = await spawnServer(db, { INCIDENTS_ACTOR: ANA, ...env });
  try {
    return (await s.client.listTools()).tools;
  } finally {
    await s.close();
  }
}

describe('tools/list', () => {
  it('exposes every tool with schemas, output schemas and annotations', async () => {
    const tools = await listTools({});
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    for (const tool of tools) {
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(READ_ONLY_TOOLS.includes(tool.name as never));
      expect(typeof tool.annotations?.destructiveHint, tool.name).toBe('boolean');
      expect(typeof tool.annotations?.idempotentHint, tool.name).toBe('boolean');
    }
    const search = tools.find((t) => t.name === 'search_my_incidents');
    expect(Object.keys(search?.inputSchema.properties ?? {})).toEqual(['status', 'priority', 'limit', 'cursor']);
    const resolveTool = tools.find((t) => t.name === 'resolve_incident');
    expect(resolveTool?.inputSchema.required).toEqual(['incident_id', 'solution']);
    const props = resolveTool?.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining([
        'solution',
        'steps',
        'commands_executed',
        'tests_performed',
        'code_changes',
        'resolution_type',
        'root_cause',
      ]),
    );
    expect(props.code_changes?.description).toMatch(/diff/);
    const sync = tools.find((t) => t.name === 'sync_and_ingest');
    expect(Object.keys(sync?.inputSchema.properties ?? {})).toEqual(['wait_for_sync', 'wait_for_ingestion']);
    expect(tools.find((t) => t.name === 'close_incident')?.annotations?.destructiveHint).toBe(true);
  });

  it('INCIDENTS_MCP_READ_ONLY=1 exposes only the read tools', async () => {
    const tools = await listTools({ INCIDENTS_MCP_READ_ONLY: '1' });
    expect(tools.map((t) => t.name)).toEqual([...READ_ONLY_TOOLS]);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it('INCIDENTS_MCP_TOOLS picks a subset, and read-only still drops write tools from it', async () => {
    expect(
      (await listTools({ INCIDENTS_MCP_TOOLS: 'claim_incident, get_incident_details' })).map((t) => t.name),
    ).toEqual(['get_incident_details', 'claim_incident']);
    expect(
      (
        await listTools({ INCIDENTS_MCP_TOOLS: 'claim_incident,get_incident_details', INCIDENTS_MCP_READ_ONLY: 'true' })
      ).map((t) => t.name),
    ).toEqual(['get_incident_details']);
  });

  it('refuses to start with an unknown tool name or without INCIDENTS_ACTOR, saying why on stderr', async () => {
    const unknown = await runExpectingExit(db, {
      INCIDENTS_ACTOR: ANA,
      INCIDENTS_MCP_TOOLS: 'claim_incident,drop_tables',
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('INCIDENTS_MCP_TOOLS: unknown tool drop_tables');
    const noActor = await runExpectingExit(db, {});
    expect(noActor.code).toBe(2);
    expect(noActor.stderr).toContain('INCIDENTS_ACTOR');
  });
});
