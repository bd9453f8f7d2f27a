/**
 * TypeDoc plugin for the API site: the guides (`projectDocuments`) and READMEs are plain Markdown
 * written for GitHub; this makes them read the same on the site.
 *
 * 1. Page names: each guide page is named after its first `# heading` instead of its file name
 *    ("Security: roles, permissions and secrets", not "SECURITY"); a front-matter `title` still wins.
 * 2. Links to folders of the repository (`../packages/store-dynamo/bench`, `examples/`): TypeDoc can
 *    only copy files, so these become links to the folder in the repository (the root package.json's
 *    `repository`), instead of dead `media/…` links.
 * 3. GitHub's heading anchors: TypeDoc's heading ids leave inline code out (`### \`init\`` gets
 *    `id="_"`), so links written for GitHub (`README.md#init`) would miss; every heading also gets
 *    the anchor GitHub gives it.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PageEvent, ReflectionKind, RendererEvent } from 'typedoc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repositoryUrl = String(rootPackage.repository?.url ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');

const isDirectory = (path) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(text) {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

const decodeEntities = (html) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    const project = event.project;
    for (const doc of project.getReflectionsByKind(ReflectionKind.Document)) {
      if (doc.frontmatter?.title) continue;
      const text = doc.content.map((part) => part.text).join('');
      const heading = /^#[ \t]+(.+?)[ \t]*#*$/m.exec(text);
      if (heading) doc.name = heading[1].replace(/[`*_]/g, '').trim();
    }

    // Media entries that are folders, and the repository URL that replaces them.
    const folders = new Map();
    for (const [id, path] of project.files.mediaToPath) {
      if (project.files.mediaToReflection.has(id) || !isDirectory(path)) continue;
      if (!repositoryUrl) continue;
      folders.set(id, `${repositoryUrl}/tree/main/${relative(root, path).split('\\').join('/')}`);
    }
    if (folders.size === 0) return;
    const rewrite = (parts) => {
      if (!Array.isArray(parts)) return;
      for (const [i, part] of parts.entries()) {
        if (part.kind === 'relative-link' && folders.has(part.target)) {
          const anchor = part.targetAnchor ? `#${part.targetAnchor}` : '';
          parts[i] = { kind: 'text', text: `${folders.get(part.target)}${anchor}` };
        }
      }
    };
    for (const reflection of [project, ...Object.values(project.reflections)]) {
      rewrite(reflection.readme);
      rewrite(reflection.content);
      rewrite(reflection.comment?.summary);
      for (const tag of reflection.comment?.blockTags ?? []) rewrite(tag.content);
    }
    for (const id of folders.keys()) project.files.mediaToPath.delete(id);
  });

  app.renderer.on(PageEvent.END, (page) => {
    if (!page.contents) return;
    page.contents = page.contents.replace(
      /<(h[1-6])([^>]*?) id="([^"]*)"([^>]*)>([\s\S]*?)<\/\1>/g,
      (whole, tag, before, id, after, inner) => {
        const slug = githubSlug(decodeEntities(inner));
        if (!slug || slug === id) return whole;
        return `<${tag}${before} id="${id}"${after}><a id="${slug}" aria-hidden="true"></a>${inner}</${tag}>`;
      },
    );
  });
}
