import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SC_WORKFLOW } from '@incidents/test-support/servers/shortcut-server';
import type { ConnectorError } from '../errors.js';
import { mapShortcutStory } from './mapper.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are vendor JSON that the tests edit freely
type Json = any;

const story = JSON.parse(
  readFileSync(new URL('../../test/fixtures/shortcut/story.json', import.meta.url), 'utf8'),
) as Json;
const workflowStates = new Map(SC_WORKFLOW.states.map((s) => [s.id, s]));

describe('mapShortcutStory', () => {
  it('maps the story with its workflow state and priority custom field', () => {
    const m = mapShortcutStory(story, { workflowStates });
    expect(m).toMatchObject({
      external_id: '56789',
      updated_at: '2025-08-30T18:20:00.000Z',
      status: 'IN_PROGRESS',
      remote_status: 'Ready for QA',
    });
    expect(m.input).toMatchObject({
      incident_id: 'SC-56789',
      source_system: 'SHORTCUT',
      source_url: 'https://app.shortcut.com/acme/story/56789',
      title: 'Bug: Login button not working',
      category: 'Bug',
      priority: 'P2',
      severity: 'HIGH',
      labels: ['customer-reported'],
      created_at: '2025-08-30T18:05:00.000Z',
    });
    expect(m.comments).toEqual([
      {
        external_id: '56790',
        author: '12345678-9012-3456-7890-123456789012',
        text: 'Reproduced on Safari 17',
        created_at: '2025-08-30T18:10:00.000Z',
        visibility: 'INTERNAL',
      },
    ]);
    expect(m.sourceRecord.data).toMatchObject({
      shortcut_story_id: 56789,
      external_links: ['https://example.zendesk.com/agent/tickets/12345'],
    });
  });

  it('falls back to the started/completed flags without workflow states, and honours overrides', () => {
    expect(mapShortcutStory(story).status).toBe('IN_PROGRESS');
    expect(mapShortcutStory({ ...story, completed: true }).status).toBe('CLOSED');
    expect(
      mapShortcutStory(story, { workflowStates, statuses: { 'ready for qa': 'RESOLVED' }, priorities: { high: 'P1' } }),
    ).toMatchObject({
      status: 'RESOLVED',
      input: { priority: 'P1' },
    });
  });

  it('names the offending fields', () => {
    try {
      mapShortcutStory({ ...story, id: '56789', workflow_state_id: undefined });
      expect.unreachable();
    } catch (err) {
      expect((err as ConnectorError).code).toBe('connector.invalid_response');
      expect((err as ConnectorError).details.issues?.map((i) => i.path).sort()).toEqual(['id', 'workflow_state_id']);
    }
  });
});
