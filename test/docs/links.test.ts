/**
 * Every relative link and image in the repository's Markdown points at a file that exists, and every `#anchor` at a
 * heading of its target as GitHub names it. External links are not followed (no network here).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Markdown, markdownFiles, parseMarkdown } from './markdown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const parsed = new Map<string, Markdown>();
function markdownAt(path: string): Markdown {
  let markdown = parsed.get(path);
  if (markdown === undefined) {
    markdown = parseMarkdown(readFileSync(path, 'utf8'));
    parsed.set(path, markdown);
  }
  return markdown;
}

/** What is wrong with `target` as written in `file` (relative to the root), or undefined if nothing is. */
function deadLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(target)) return undefined; // https:, mailto:, …
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const from = join(ROOT, file);
  // On GitHub a link starting with / is relative to the repository's root.
  const path = pathPart === '' ? from : pathPart.startsWith('/') ? join(ROOT, pathPart) : resolve(dirname(from), pathPart);
  const inRepo = relative(ROOT, path);
  if (inRepo.startsWith(`..${sep}`) || inRepo === '..') return 'points outside the repository';
  if (!existsSync(path)) return `no such file: ${inRepo}`;
  if (anchor === undefined || !path.endsWith('.md') || statSync(path).isDirectory()) return undefined;
  if (!markdownAt(path).anchors.has(anchor)) return `no heading in ${inRepo} has the anchor #${anchor}`;
  return undefined;
}

describe('the checker', () => {
  it('slugs headings as GitHub does: punctuation dropped, CJK kept, duplicates numbered', () => {
    const { headings } = parseMarkdown(
      [
        '# weapp-auth',
        '## Try the whole flow in a minute',
        '### `POST /control/codes` — what `wx.login` does',
        '## 错误码（Errors）',
        '## Decisions: where WeChat is undocumented',
        '## FAQ',
        '## FAQ',
        '```md',
        '## not a heading',
        '```',
        '## FAQ',
        '## snake_case and [a link](x.md)',
      ].join('\n'),
    );
    expect(headings.map((heading) => heading.slug)).toEqual([
      'weapp-auth',
      'try-the-whole-flow-in-a-minute',
      'post-controlcodes--what-wxlogin-does',
      '错误码errors',
      'decisions-where-wechat-is-undocumented',
      'faq',
      'faq-1',
      'faq-2',
      'snake_case-and-a-link',
    ]);
  });

  it('finds links and images, not examples in code', () => {
    const { links } = parseMarkdown(
      ['[a](a.md) and ![b](img/b.png "title")', '`[c](c.md)`', '```', '[d](d.md)', '```', '[![e](e.png)](f.md#x)', '[g]: ./g.md'].join(
        '\n',
      ),
    );
    expect(links.map((link) => link.target)).toEqual(['a.md', 'img/b.png', 'e.png', 'f.md#x', './g.md']);
  });

  it('reports a missing file, a missing anchor and a link out of the repository', () => {
    expect(deadLink('README.md', 'docs/nothing-here.md')).toBe(`no such file: ${join('docs', 'nothing-here.md')}`);
    expect(deadLink('README.md', 'docs/storage.md#no-such-heading')).toMatch(/no heading in .*storage\.md has the anchor/);
    expect(deadLink('README.md', '#no-such-heading')).toMatch(/no heading in README\.md/);
    expect(deadLink('docs/storage.md', '../../elsewhere.md')).toBe('points outside the repository');
    expect(deadLink('docs/storage.md', '../README.md#configuration')).toBeUndefined();
    expect(deadLink('docs/storage.md', 'https://example.com/missing#nowhere')).toBeUndefined();
  });
});

describe('links in the Markdown files', () => {
  const files = markdownFiles(ROOT);

  it('finds the README, its translation and the docs', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'README.zh-CN.md', join('docs', 'storage.md')]));
  });

  it.each(files)('%s has no dead relative link or anchor', (file) => {
    const dead = markdownAt(join(ROOT, file)).links.flatMap(({ target, line }) => {
      const problem = deadLink(file, target);
      return problem === undefined ? [] : [`${file}:${line} (${target}): ${problem}`];
    });
    expect(dead).toEqual([]);
  });
});
