// Unit tests of highlight runs: overlapping, nested and out-of-range evidence spans; their chunks by line.
import { describe, expect, it } from 'vitest';
import { buildRuns, chunkRuns } from './highlight.ts';

describe('buildRuns', () => {
  it('covers the whole text with plain and marked runs', () => {
    const runs = buildRuns(20, [{ start: 5, end: 9, key: 'a', strong: true }]);
    expect(runs).toEqual([
      { start: 0, end: 5, keys: [], strong: false },
      { start: 5, end: 9, keys: ['a'], strong: true },
      { start: 9, end: 20, keys: [], strong: false },
    ]);
  });

  it('splits overlapping and nested spans at every boundary', () => {
    const runs = buildRuns(12, [
      { start: 0, end: 10, key: 'seg', strong: false },
      { start: 2, end: 6, key: 'x', strong: true },
      { start: 4, end: 8, key: 'y', strong: true },
    ]);
    expect(runs.map((r) => [r.start, r.end, r.keys.join('+'), r.strong])).toEqual([
      [0, 2, 'seg', false],
      [2, 4, 'seg+x', true],
      [4, 6, 'seg+x+y', true],
      [6, 8, 'seg+y', true],
      [8, 10, 'seg', false],
      [10, 12, '', false],
    ]);
  });

  it('merges identical neighbours, clips out-of-range spans and drops empty ones', () => {
    const runs = buildRuns(10, [
      { start: 0, end: 3, key: 'a', strong: true },
      { start: 3, end: 5, key: 'a', strong: true },
      { start: 8, end: 50, key: 'b', strong: false },
      { start: 4, end: 4, key: 'c', strong: true },
    ]);
    expect(runs.map((r) => [r.start, r.end, r.keys.join('+')])).toEqual([
      [0, 5, 'a'],
      [5, 8, ''],
      [8, 10, 'b'],
    ]);
  });

  it('returns one plain run for text without spans and none for empty text', () => {
    expect(buildRuns(4, [])).toEqual([{ start: 0, end: 4, keys: [], strong: false }]);
    expect(buildRuns(0, [])).toEqual([]);
  });
});

describe('chunkRuns', () => {
  const chunked = (text: string, spans: Parameters<typeof buildRuns>[1]) =>
    chunkRuns(text, buildRuns(text.length, spans)).map((c) => c.runs.map((r) => `${r.keys.length ? '[' : ''}${text.slice(r.start, r.end)}${r.keys.length ? ']' : ''}`).join(''));

  it('ends a chunk after every newline of plain text, keeping every offset once and in order', () => {
    const text = 'Title\n\n- SQL\n- Java and more\nlast';
    const spans = [{ start: 9, end: 12, key: 'a', strong: true }];
    expect(chunked(text, spans)).toEqual(['Title\n', '\n', '- [SQL]\n', '- Java and more\n', 'last']);
    const chunks = chunkRuns(text, buildRuns(text.length, spans));
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 6],
      [6, 7],
      [7, 13],
      [13, 29],
      [29, 33],
    ]);
    expect(chunks.flatMap((c) => c.runs.map((r) => text.slice(r.start, r.end))).join('')).toBe(text);
  });

  it('never cuts a marked run: a span over a newline keeps its lines in one chunk', () => {
    const text = 'one\ntwo\nthree\nfour';
    expect(chunked(text, [{ start: 2, end: 6, key: 'seg', strong: false }])).toEqual(['on[e\ntw]o\n', 'three\n', 'four']);
    // a mark ending with the newline closes its chunk
    expect(chunked(text, [{ start: 4, end: 8, key: 'seg', strong: false }])).toEqual(['one\n', '[two\n]', 'three\n', 'four']);
  });

  it('gives no chunk for an empty text and one for a text without newlines', () => {
    expect(chunkRuns('', buildRuns(0, []))).toEqual([]);
    expect(chunked('abc', [])).toEqual(['abc']);
  });
});
