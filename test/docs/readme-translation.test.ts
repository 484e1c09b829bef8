/**
 * README.zh-CN.md is a translation of README.md: each links to the other near the top, and they keep the same
 * headings (levels, order) and, in the tables other changes touch most, the same names. A change to one that the
 * other misses fails here, naming what to bring across.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Heading, parseMarkdown } from './markdown.js';

interface Readme {
  lines: string[];
  headings: Heading[];
}

function readme(name: string): Readme {
  const source = readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8');
  return { lines: source.split(/\r?\n/), headings: parseMarkdown(source).headings };
}

const english = readme('README.md');
const chinese = readme('README.zh-CN.md');

/** The lines under heading number `index`, up to the next heading of the same or a higher level. */
function sectionLines(doc: Readme, index: number): string[] {
  const heading = doc.headings[index]!;
  const next = doc.headings.slice(index + 1).find((later) => later.level <= heading.level);
  return doc.lines.slice(heading.line, next === undefined ? undefined : next.line - 1);
}

/** The code spans of each table row's first cell: variable names, routes, error codes, untranslated. */
function firstCellNames(lines: string[]): string[] {
  return lines
    .filter((line) => line.startsWith('|') && !/^\|[-:| ]+\|$/.test(line))
    .map((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]).join(' '))
    .filter((names) => names !== '');
}

/** The section of the translation at the same place as the English heading `text`. */
function sectionPair(text: string): [string[], string[]] {
  const index = english.headings.findIndex((heading) => heading.text === text);
  expect(index, `README.md has a heading "${text}"`).toBeGreaterThanOrEqual(0);
  return [sectionLines(english, index), sectionLines(chinese, index)];
}

describe('README.zh-CN.md', () => {
  it('and README.md link to each other right after the commands at the top', () => {
    expect(english.lines.slice(0, 10).some((line) => line.includes('](README.zh-CN.md)'))).toBe(true);
    expect(chinese.lines.slice(0, 10).some((line) => line.includes('](README.md)'))).toBe(true);
    // The two commands stay the first thing either shows.
    for (const doc of [english, chinese]) expect(doc.lines.slice(0, 3)).toEqual(['# weapp-auth', '', '```sh']);
  });

  it('has the same headings as README.md: as many, at the same levels, in the same order', () => {
    const rows = Math.max(english.headings.length, chinese.headings.length);
    const side = (heading: Heading | undefined): string => (heading ? `${'#'.repeat(heading.level)} ${heading.text}` : '(none)');
    const pairs = Array.from({ length: rows }, (_, i) => `${side(english.headings[i])}  ↔  ${side(chinese.headings[i])}`);
    expect(
      chinese.headings.map((heading) => heading.level),
      `headings, README.md ↔ README.zh-CN.md:\n${pairs.join('\n')}`,
    ).toEqual(english.headings.map((heading) => heading.level));
  });

  it('lists the same error codes with the same statuses, in the same order', () => {
    const rows = (doc: Readme): string[] =>
      doc.lines.flatMap((line) => /^\| `([A-Z_]+)` \| (\d{3}) \|/.exec(line)?.slice(1, 3).join(' ') ?? []);
    expect(rows(english).length).toBeGreaterThan(30);
    expect(rows(chinese)).toEqual(rows(english));
  });

  it.each(['Configuration', 'HTTP API'])('has the same rows in the "%s" tables', (text) => {
    const [en, zh] = sectionPair(text);
    expect(firstCellNames(en).length).toBeGreaterThan(10);
    expect(firstCellNames(zh)).toEqual(firstCellNames(en));
  });
});
