/**
 * Atlassian Document Format (ADF) ↔ plain text. Jira Cloud REST v3 carries descriptions and
 * comments as ADF documents (`{ type: 'doc', version: 1, content: [...] }`).
 * @module
 */

/** An ADF node (loosely typed: unknown node types are walked through their `content`). */
export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  version?: number;
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'codeBlock',
  'panel',
  'rule',
  'mediaSingle',
  'table',
  'tableRow',
  'expand',
]);

function walk(node: AdfNode, out: string[], listPrefix: string): void {
  switch (node.type) {
    case 'text':
      out.push(node.text ?? '');
      return;
    case 'hardBreak':
      out.push('\n');
      return;
    case 'mention':
    case 'emoji':
    case 'status':
    case 'date': {
      const a = node.attrs ?? {};
      const value = a.text ?? a.shortName ?? a.timestamp ?? '';
      out.push(typeof value === 'string' ? value : String(value));
      return;
    }
    case 'inlineCard':
    case 'blockCard': {
      const url = node.attrs?.url;
      if (typeof url === 'string') out.push(url);
      return;
    }
    case 'rule':
      out.push('\n---\n');
      return;
    case 'bulletList':
    case 'orderedList': {
      let n = 1;
      for (const item of node.content ?? []) {
        const prefix = node.type === 'orderedList' ? `${n++}. ` : '- ';
        const inner: string[] = [];
        for (const child of item.content ?? []) walk(child, inner, `${listPrefix}  `);
        out.push(`${listPrefix}${prefix}${inner.join('').trim()}\n`);
      }
      return;
    }
    case 'tableCell':
    case 'tableHeader': {
      const inner: string[] = [];
      for (const child of node.content ?? []) walk(child, inner, listPrefix);
      out.push(`${inner.join('').trim()}\t`);
      return;
    }
    default: {
      for (const child of node.content ?? []) walk(child, out, listPrefix);
      if (BLOCKS.has(node.type)) out.push('\n\n');
    }
  }
}

/** Flattens an ADF document (or a plain string, as Jira Server/v2 returns) to plain text. */
export function adfToText(doc: unknown): string {
  if (doc === null || doc === undefined) return '';
  if (typeof doc === 'string') return doc;
  if (typeof doc !== 'object' || typeof (doc as AdfNode).type !== 'string') return '';
  const out: string[] = [];
  walk(doc as AdfNode, out, '');
  return out
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Builds an ADF document from plain text: one paragraph per blank-line-separated block, line breaks kept. */
export function textToAdf(text: string): AdfNode {
  const paragraphs = text.replace(/\r\n/g, '\n').split(/\n{2,}/);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((para) => {
      const lines = para.split('\n');
      const content: AdfNode[] = [];
      lines.forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line !== '') content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    }),
  };
}
