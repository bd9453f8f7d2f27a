import { NextResponse } from 'next/server';
import { webhookHandler } from '@/lib/webhooks';

export const dynamic = 'force-dynamic';

/**
 * POST /api/webhooks/[connector] — a vendor's webhook delivery (Jira, Zendesk, Slack, Shortcut,
 * ServiceNow), authenticated by its signature (not a session): 202 accepted, 200 duplicate or Slack
 * URL verification, 401 bad signature, 404 no webhook secret for that connector, 413 too large.
 */
export async function POST(request: Request) {
  try {
    return await (await webhookHandler())(request);
  } catch (err) {
    // A configuration error (its message names variables, never values): in the server log, not to the caller.
    console.error('webhooks:', err instanceof Error ? err.message : String(err));
    return NextResponse.json(
      { ok: false, code: 'config', message: 'webhooks are not configured correctly' },
      { status: 500 },
    );
  }
}
