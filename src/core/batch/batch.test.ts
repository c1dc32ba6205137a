// Tests of the batch core: streaming CSV/JSONL parsing (BOM, quoted multi-line cells, chunks cut
// anywhere, per-row problems with line numbers), the runner (duplicate ids, resume after an abort
// with no duplicates or gaps, shards whose union is one run, fingerprint checks), rows and
// aggregates. A small synthetic taxonomy and the real lexical matcher keep them fast.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex } from '../lexical.ts';
import { extractLexical } from '../pipeline.ts';
import type { OccupationConcept, SkillConcept, Taxonomy } from '../taxonomy.ts';
import { defaultThresholds } from '../thresholds.ts';
import { Aggregator } from './aggregate.ts';
import { IdSet, fnv1a32 } from './ids.ts';
import { csvDocuments, csvHeader, jsonlDocuments, notTextReason, textFileDocuments, textLineDocuments } from './input.ts';
import { MemoryCheckpointStore } from './memoryStore.ts';
import { csvHeaderLine, csvLine, formatDocument, jsonlLine, rankedJsonlLine } from './rows.ts';
import { CheckpointMismatchError, runBatch } from './runner.ts';
import { parseShard, shardOf } from './shard.ts';
import { BatchInputError, type InputItem } from './types.ts';

function skill(label: string): SkillConcept {
  return { uri: `skill:${label}`, label, altLabels: [], description: '', skillType: 'knowledge', reuseLevel: '', groups: [] };
}
function occupation(label: string): OccupationConcept {
  return { uri: `occupation:${label}`, label, altLabels: [], description: '', iscoCode: '2512', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] };
}
const SKILLS = ['Python', 'SQL', 'project management', 'first aid', 'welding', 'accounting', 'JavaScript', 'customer service'];
const taxonomy: Taxonomy = { format: 1, escoVersion: 'test', language: 'en', contentHash: 'x', skillGroups: [], skills: SKILLS.map(skill), occupations: [occupation('software developer'), occupation('nurse')] };
const lexical = buildLexicalIndex(taxonomy);
const analyse = async (t: string) => extractLexical(t, { taxonomy, lexical });
const settings = defaultThresholds('bge-m3');

/** A string as chunks of `size` characters (the worst case for a streaming parser: cuts anywhere). */
async function* chunked(s: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const docsOf = (items: InputItem[]) => items.flatMap((i) => (i.type === 'document' ? [i.doc] : []));
const skipsOf = (items: InputItem[]) => items.flatMap((i) => (i.type === 'skipped' ? [i.skipped] : []));

const CSV =
  '\uFEFFid,title,description\r\n' +
  'a1,Dev,"Senior developer\r\nWe need Python, ""SQL"" and\r\nproject management."\r\n' +
  'a2,Nurse,Nurse with first aid\r\n' +
  '\r\n' +
  'a3,Empty,"   "\r\n' +
  'a4,Short\r\n' +
  'a5,Welder,"welding, accounting"\r\n';

describe('csvDocuments', () => {
  it('reads quoted multi-line cells and a BOM, with the line each record starts on, whatever the chunking', async () => {
    for (const size of [1, 2, 3, 7, 16, 1000]) {
      const items = await collect(csvDocuments(chunked(CSV, size), { idColumn: 'id', textColumn: 'description' }));
      expect(docsOf(items), `chunks of ${size}`).toEqual([
        { id: 'a1', text: 'Senior developer\r\nWe need Python, "SQL" and\r\nproject management.', line: 2 },
        { id: 'a2', text: 'Nurse with first aid', line: 5 },
        { id: 'a5', text: 'welding, accounting', line: 9 },
      ]);
      expect(skipsOf(items)).toEqual([
        { line: 7, id: 'a3', code: 'empty-text', reason: 'empty text' },
        { line: 8, id: 'a4', code: 'missing-column', reason: 'the row has 2 fields: no "description" column' },
      ]);
    }
  });

  it('reads the header (the BOM is not part of the first column name)', async () => {
    expect(await csvHeader(chunked(CSV, 5))).toEqual(['id', 'title', 'description']);
  });

  it('fails with the available columns when the chosen column does not exist', async () => {
    await expect(collect(csvDocuments(chunked(CSV, 10), { textColumn: 'body' }))).rejects.toThrow(/no text column "body" \(columns: "id", "title", "description"\)/);
    await expect(collect(csvDocuments(chunked('', 10), { textColumn: 'x' }))).rejects.toBeInstanceOf(BatchInputError);
  });

  it('numbers records when there is no id column, and detects ; and tab delimiters', async () => {
    const items = await collect(csvDocuments(chunked('text;n\nPython;1\nSQL;2\n', 4), { textColumn: 'text' }));
    expect(docsOf(items).map((d) => [d.id, d.text, d.line])).toEqual([['1', 'Python', 2], ['2', 'SQL', 3]]);
    const tsv = await collect(csvDocuments(chunked('id\ttext\nx\tPython, SQL\n', 3), { idColumn: 'id', textColumn: 'text', delimiter: '\t' }));
    expect(docsOf(tsv)).toEqual([{ id: 'x', text: 'Python, SQL', line: 2 }]);
  });

  it('reports an unclosed quote at the end as a malformed row and stops on one that outgrows the record limit', async () => {
    const items = await collect(csvDocuments(chunked('id,text\n1,ok\n2,"never closed\nmore\n', 5), { idColumn: 'id', textColumn: 'text' }));
    expect(docsOf(items).map((d) => d.id)).toEqual(['1']);
    expect(skipsOf(items)).toMatchObject([{ line: 3, id: '2', code: 'malformed-csv' }]);
    const big = 'id,text\n1,"' + 'x'.repeat(5000);
    await expect(collect(csvDocuments(chunked(big, 100), { textColumn: 'text', maxRecordChars: 1000 }))).rejects.toThrow(/line 2: a record is longer than 1,000 characters/);
  });
});

describe('jsonlDocuments', () => {
  const JSONL = ['{"id": "j1", "text": "Python and SQL"}', '{"id": 2, "text": "first aid"}', 'not json', '', '[1,2]', '{"id": "j4"}', '{"id": "j5", "text": ""}', '{"text": "no id"}', '{"id": "j1", "text": "again"}', '{"id":"j6","text":"welding"}'].join('\r\n');

  it('yields valid lines and reports each bad one with its line number', async () => {
    const items = await collect(jsonlDocuments(chunked(JSONL, 6), { idField: 'id' }));
    expect(docsOf(items)).toEqual([
      { id: 'j1', text: 'Python and SQL', line: 1 },
      { id: '2', text: 'first aid', line: 2 },
      { id: 'j1', text: 'again', line: 9 },
      { id: 'j6', text: 'welding', line: 10 },
    ]);
    expect(skipsOf(items).map((s) => [s.line, s.code])).toEqual([[3, 'invalid-json'], [5, 'not-an-object'], [6, 'missing-column'], [7, 'empty-text'], [8, 'missing-column']]);
  });

  it('reports duplicate ids in the runner and still processes every valid row', async () => {
    const store = new MemoryCheckpointStore();
    await runBatch({ input: jsonlDocuments(chunked(JSONL, 50), { idField: 'id' }), analyse, taxonomy, settings, store, fingerprint: 'f' });
    expect(store.documents.map((d) => d.id)).toEqual(['j1', '2', 'j6']);
    expect(store.skipped.map((s) => [s.line, s.code])).toEqual([[3, 'invalid-json'], [5, 'not-an-object'], [6, 'missing-column'], [7, 'empty-text'], [8, 'missing-column'], [9, 'duplicate-id']]);
    expect(store.checkpoint).toMatchObject({ done: true, documents: 3, skipped: 6, recordsConsumed: 9 });
  });
});

describe('plain text and file checks', () => {
  it('reads one document per line, and whole files', async () => {
    expect(docsOf(await collect(textLineDocuments(chunked('\uFEFFPython\n\nSQL\r\nlast', 2))))).toEqual([
      { id: '1', text: 'Python', line: 1 },
      { id: '3', text: 'SQL', line: 3 },
      { id: '4', text: 'last', line: 4 },
    ]);
    const files = await collect(textFileDocuments([{ name: 'a.txt', text: 'Python' }, { name: 'b.txt', text: ' ' }, { name: 'c.txt', text: 'x\u0000y' }]));
    expect(files.map((i) => (i.type === 'document' ? i.doc.id : i.skipped.code))).toEqual(['a.txt', 'empty-text', 'not-text']);
  });

  it('tells text from binary, UTF-16 and invalid UTF-8', () => {
    const enc = new TextEncoder();
    expect(notTextReason(enc.encode('id,text\nä,€'))).toBeNull();
    expect(notTextReason(enc.encode('é').subarray(0, 1))).toBeNull(); // cut inside a character: fine
    expect(notTextReason(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]))).toMatch(/not text \(a NUL byte at offset 4/);
    expect(notTextReason(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toMatch(/UTF-16/);
    expect(notTextReason(new Uint8Array([0x41, 0xc3, 0x28]))).toMatch(/not valid UTF-8/);
  });
});

function generatedJsonl(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const words = [SKILLS[i % SKILLS.length], SKILLS[(i * 3 + 1) % SKILLS.length], i % 5 === 0 ? 'software developer' : 'nurse'];
    lines.push(i % 17 === 3 ? '{broken' : JSON.stringify({ id: `d${i % 97 === 5 ? 1 : i}`, text: i % 23 === 7 ? ' ' : `Job ${i}: ${words.join(', ')}.` }));
  }
  return lines.join('\n');
}
const linesOf = (store: MemoryCheckpointStore) => store.documents.map((d) => formatDocument(d, 'jsonl', 'shown')).join('');

describe('runBatch', () => {
  const input = generatedJsonl(300);

  it('resumes an aborted run with no duplicates and no gaps', async () => {
    const full = new MemoryCheckpointStore();
    await runBatch({ input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }), analyse, taxonomy, settings, store: full, fingerprint: 'f' });

    const store = new MemoryCheckpointStore();
    let sessions = 0;
    for (;;) {
      const controller = new AbortController();
      let n = 0;
      const outcome = await runBatch({
        input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }),
        analyse: async (t) => {
          if (++n === 37) controller.abort();
          return analyse(t);
        },
        taxonomy,
        settings,
        store,
        fingerprint: 'f',
        commitEvery: 10,
        signal: controller.signal,
      });
      sessions++;
      if (outcome.status === 'done') break;
      expect(outcome.checkpoint.done).toBe(false);
    }
    expect(sessions).toBeGreaterThan(5);
    expect(store.documents.map((d) => d.id)).toEqual(full.documents.map((d) => d.id));
    expect(linesOf(store)).toBe(linesOf(full));
    expect(store.skipped).toEqual(full.skipped);
    expect(store.checkpoint!.aggregates).toEqual(full.checkpoint!.aggregates);
    expect(new Set(store.documents.map((d) => d.id)).size).toBe(store.documents.length);
  });

  it('refuses a checkpoint of another input or options, and does nothing on a finished one', async () => {
    const store = new MemoryCheckpointStore();
    await runBatch({ input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }), analyse, taxonomy, settings, store, fingerprint: 'f' });
    await expect(runBatch({ input: jsonlDocuments(chunked(input, 4096)), analyse, taxonomy, settings, store, fingerprint: 'other' })).rejects.toBeInstanceOf(CheckpointMismatchError);
    const commits = store.commits;
    const again = await runBatch({ input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }), analyse, taxonomy, settings, store, fingerprint: 'f' });
    expect(again.status).toBe('done');
    expect(store.commits).toBe(commits);
  });

  it('splits the work into shards whose union is one run, aggregates included', async () => {
    const full = new MemoryCheckpointStore();
    await runBatch({ input: jsonlDocuments(chunked(input, 999), { idField: 'id' }), analyse, taxonomy, settings, store: full, fingerprint: 'f' });
    const shards = [1, 2, 3].map(() => new MemoryCheckpointStore());
    for (const [i, store] of shards.entries()) {
      await runBatch({ input: jsonlDocuments(chunked(input, 999), { idField: 'id' }), analyse, taxonomy, settings, store, fingerprint: 'f', shard: { index: i + 1, count: 3 } });
      expect(store.documents.length).toBeGreaterThan(50);
    }
    const lines = (s: MemoryCheckpointStore) => linesOf(s).split('\n').filter(Boolean);
    const union = shards.flatMap(lines);
    expect(union.length).toBe(lines(full).length);
    expect(new Set(union)).toEqual(new Set(lines(full)));
    expect(shards.flatMap((s) => s.skipped).sort((a, b) => a.line - b.line)).toEqual(full.skipped);
    const merged = new Aggregator();
    for (const s of shards) merged.merge(s.checkpoint!.aggregates);
    expect(merged.state()).toEqual(full.checkpoint!.aggregates);
  });

  it('skips a document whose analysis fails, and stops when failures repeat', async () => {
    const store = new MemoryCheckpointStore();
    let n = 0;
    const flaky = async (t: string) => {
      if (++n === 2) throw new Error('boom');
      return analyse(t);
    };
    await runBatch({ input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }), analyse: flaky, taxonomy, settings, store, fingerprint: 'f' });
    expect(store.skipped.find((s) => s.code === 'failed')).toMatchObject({ line: 2, id: 'd1', reason: 'analysis failed: boom' });
    const broken = async () => {
      throw new Error('model gone');
    };
    await expect(runBatch({ input: jsonlDocuments(chunked(input, 4096), { idField: 'id' }), analyse: broken, taxonomy, settings, store: new MemoryCheckpointStore(), fingerprint: 'f' })).rejects.toThrow('model gone');
  });
});

describe('rows, aggregates, shards and ids', () => {
  it('ranks candidates, marks the shown ones, and formats CSV and JSONL lines that parse back', async () => {
    const store = new MemoryCheckpointStore();
    const text = 'Software developer\nPython, SQL and "project management", with first aid.';
    await runBatch({ input: (async function* () { yield { type: 'document', doc: { id: 'x,1', text, line: 1 } } as InputItem; })(), analyse, taxonomy, settings, store, fingerprint: 'f' });
    const doc = store.documents[0];
    const rows = doc.rows;
    expect(rows.filter((r) => r.kind === 'skill').map((r) => [r.rank, r.label])).toEqual([[1, 'Python'], [2, 'SQL'], [3, 'project management'], [4, 'first aid']]);
    expect(rows.every((r) => r.shown && r.evidence.length === 1 && text.slice(r.evidence[0].start, r.evidence[0].end) === r.evidence[0].text)).toBe(true);
    const jsonl = JSON.parse(jsonlLine(rows[0]));
    expect(jsonl).toMatchObject({ id: 'x,1', kind: 'skill', rank: 1, uri: 'skill:Python', label: 'Python', score: 1, lexical: 1, evidence: [{ start: 19, end: 25, text: 'Python' }] });
    const csv = Papa.parse<Record<string, string>>(csvHeaderLine() + rows.map(csvLine).join(''), { header: true, skipEmptyLines: true });
    expect(csv.errors).toEqual([]);
    expect(csv.data.map((r) => [r.id, r.kind, r.label, r.evidence_offsets, JSON.parse(r.evidence_text)[0]])).toEqual(rows.map((r) => [r.id, r.kind, r.label, `${r.evidence[0].start}-${r.evidence[0].end}`, r.evidence[0].text]));
    const ranked = JSON.parse(rankedJsonlLine(doc));
    expect(ranked.id).toBe('x,1');
    expect(ranked.skill.map((r: { label: string }) => r.label)).toEqual(['Python', 'SQL', 'project management', 'first aid']);
    expect(ranked.occupation[0]).toMatchObject({ label: 'software developer', rank: 1, shown: true });
  });

  it('counts documents per concept and shares', () => {
    const agg = new Aggregator();
    const row = (uri: string, shown = true) => ({ id: 'a', kind: 'skill' as const, rank: 1, uri, label: uri, score: 1, retrieval: 0, lexical: 1, signals: [], shown, evidence: [] });
    agg.addDocument([row('s1'), row('s2'), row('s1')]);
    agg.addDocument([row('s1'), row('s3', false)]);
    expect(agg.top('skill').map((f) => [f.uri, f.documents, f.share])).toEqual([['s1', 2, 1], ['s2', 1, 0.5]]);
    expect(agg.shareWithAny('skill')).toBe(1);
    const copy = new Aggregator(agg.state());
    expect(copy.state()).toEqual(agg.state());
  });

  it('parses k/n, hashes ids stably, and keeps a set of ids without false duplicates', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/numbered from 1/);
    expect(() => parseShard('5/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('x')).toThrow(/k\/n/);
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`doc-${i}`, 4) - 1]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    const ids = new IdSet();
    let added = 0;
    for (let i = 0; i < 200_000; i++) if (ids.add(`id-${i}`)) added++;
    expect(added).toBe(200_000);
    expect(ids.add('id-123')).toBe(false);
    expect(ids.size).toBe(200_000);
  });
});
