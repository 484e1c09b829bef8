/**
 * Just enough Markdown for the docs checks: the headings (with the anchors GitHub gives them) and the link targets
 * of a file, ignoring fenced code, where a `[x](y)` is an example and not a link.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Heading {
  level: number;
  text: string;
  /** The anchor GitHub gives it, duplicates numbered. */
  slug: string;
  line: number;
}

export interface Link {
  target: string;
  line: number;
}

export interface Markdown {
  headings: Heading[];
  links: Link[];
  /** Every `#anchor` a link may name: heading slugs and explicit `<a name>`/`id` attributes. */
  anchors: Set<string>;
}

/**
 * GitHub's heading anchor (github-slugger): lower-case, drop every character that is not a letter, mark, number,
 * connector (`_`), hyphen or space, then each space becomes `-`. CJK characters are letters and stay.
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** The text GitHub slugs: the heading as rendered, without code ticks, emphasis, link targets or HTML tags. */
function renderedText(source: string): string {
  return source
    .split(/(`+[^`]*`+)/)
    .map((part, index) => {
      if (index % 2 === 1) return part.replace(/^`+|`+$/g, '');
      return part
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/(^|[^\p{L}\p{N}])(\*{1,3}|_{1,3})(.+?)\2(?=[^\p{L}\p{N}]|$)/gu, '$1$3');
    })
    .join('')
    .trim();
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
/** The destination of every inline link and image, nested ones included: `](target)` or `](target "title")`. */
const INLINE_TARGET = /\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/;
const HTML_TARGET = /<(?:a|img)\b[^>]*?\s(?:href|src)\s*=\s*"([^"]*)"/gi;
const HTML_ANCHOR = /<[a-z][^>]*?\s(?:name|id)\s*=\s*"([^"]+)"/gi;

export function parseMarkdown(source: string): Markdown {
  const headings: Heading[] = [];
  const links: Link[] = [];
  const anchors = new Set<string>();
  const occurrences = new Map<string, number>();
  let fence: string | undefined;
  source.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    const fenceMark = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length && text.trim() === fenceMark) {
        fence = undefined;
      }
      return;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      return;
    }
    const heading = ATX_HEADING.exec(text);
    if (heading !== null) {
      const rendered = renderedText(heading[2] ?? '');
      const slug = uniqueSlug(slugify(rendered), occurrences);
      headings.push({ level: heading[1]!.length, text: rendered, slug, line });
      anchors.add(slug);
    }
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    for (const match of prose.matchAll(INLINE_TARGET)) links.push({ target: match[1]!, line });
    for (const match of prose.matchAll(HTML_TARGET)) links.push({ target: match[1]!, line });
    for (const match of prose.matchAll(HTML_ANCHOR)) anchors.add(match[1]!);
    const definition = REFERENCE_DEFINITION.exec(prose);
    if (definition !== null) links.push({ target: definition[1]!, line });
  });
  return { headings, links, anchors };
}

/** A repeated slug gets `-1`, `-2`, … (skipping any suffixed slug already taken), as github-slugger does. */
function uniqueSlug(base: string, occurrences: Map<string, number>): string {
  let slug = base;
  while (occurrences.has(slug)) {
    const count = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, count);
    slug = `${base}-${count}`;
  }
  occurrences.set(slug, 0);
  return slug;
}

/** The Markdown files of the repository under `root`: those at its top, and all under docs/ and examples/. */
export function markdownFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, deep: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (deep && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path, true);
      } else if (entry.name.endsWith('.md')) {
        found.push(relative(root, path));
      }
    }
  };
  walk(root, false);
  for (const dir of ['docs', 'examples']) walk(join(root, dir), true);
  return found.sort();
}
