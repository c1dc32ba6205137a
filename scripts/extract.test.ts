// Tests of `npm run extract`: a run killed with SIGKILL mid-way resumes with --resume into exactly
// the output of an uninterrupted run (no duplicates, no gaps), two shards give the lines of one
// run (and their summaries add up to its summary), CSV and JSONL outputs (shown and ranked) parse back and point at the right text, and bad
// input fails with a clear message and a non-zero exit code, or is reported per row. Inputs are
// generated from taxonomy labels; models: `none` and the generated test models (fast).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './build-taxonomy.ts';
import { runExtract, type ExtractRun } from './extract.ts';
import { buildAnalyser } from './extract/context.ts';
import { mergeSummaries } from './extract/summary.ts';
import { loadTaxonomyAsset } from './precompute.ts';

let dir: string;
const texts = new Map<string, string>();
const quiet = { log: () => {} };

function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

/** N job ads made of taxonomy labels, as a CSV with a BOM, multi-line quoted cells, CRLF, an empty text and a duplicate id. */
function writeInputs(n: number): void {
  const tax = loadTaxonomyAsset();
  const r = rng(42);
  const pick = () => tax.skills[Math.floor(r() * tax.skills.length)].label;
  const rows: string[][] = [];
  const jsonl: string[] = [];
  for (let i = 0; i < n; i++) {
    const occupation = tax.occupations[Math.floor(r() * tax.occupations.length)].label;
    const text = `${occupation}\nYou know ${pick()} and ${pick()}.\n- "${pick()}"\nExperience with ${pick()}, please.`;
    const id = `ad-${i}`;
    texts.set(id, text);
    rows.push([id, `Title ${i}`, text]);
    jsonl.push(JSON.stringify({ id, text }));
  }
  rows.splice(10, 0, ['ad-empty', 'x', '   ']);
  rows.splice(20, 0, ['ad-3', 'dup', 'Duplicate of ad-3 with welding']);
  writeFileSync(join(dir, 'ads.csv'), `\uFEFF${Papa.unparse({ fields: ['id', 'title', 'description'], data: rows }, { newline: '\r\n' })}\r\n`);
  jsonl.splice(5, 0, '{"id": "broken", "text": ');
  jsonl.splice(9, 0, JSON.stringify({ id: 'ad-1', text: 'again' }));
  writeFileSync(join(dir, 'ads.jsonl'), `${jsonl.join('\n')}\n`);
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const csvArgs = (out: string, ...more: string[]) => ['--input', join(dir, 'ads.csv'), '--id-column', 'id', '--text-column', 'description', '--output', join(dir, out), ...more];

/** The CLI as a child process (node with tsx's loader: one process, so SIGKILL really kills the run). */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'extract.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  return { child, exit, stderr: () => stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'esco-extract-'));
  writeInputs(300);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('extract CLI', () => {
  it('resumes a run killed with SIGKILL without duplicates or gaps', async () => {
    const args = (out: string) => csvArgs(out, '--model', 'test', '--rerank', 'off', '--commit-every', '8', '--quiet');
    const full = await runExtract(args('full.jsonl'), quiet);
    expect(full.outcome.checkpoint.documents).toBe(300);

    const out = join(dir, 'killed.jsonl');
    const run = spawnCli(args('killed.jsonl'));
    let killedAt = -1;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && killedAt < 0) {
      await new Promise((r) => setTimeout(r, 20));
      if (!existsSync(`${out}.checkpoint.json`)) continue;
      let cp: { checkpoint: { recordsConsumed: number; done: boolean } };
      try {
        cp = JSON.parse(readFileSync(`${out}.checkpoint.json`, 'utf8'));
      } catch {
        continue; // read while being replaced
      }
      if (cp.checkpoint.done) throw new Error(`the run finished before it could be killed: ${run.stderr()}`);
      if (cp.checkpoint.recordsConsumed >= 40) {
        run.child.kill('SIGKILL');
        killedAt = cp.checkpoint.recordsConsumed;
      }
    }
    expect(killedAt, run.stderr()).toBeGreaterThan(0);
    expect(await run.exit).toBeNull(); // killed by a signal
    expect(lines(out).length).toBeLessThan(lines(full.output).length);

    const resumed = await runExtract([...args('killed.jsonl'), '--resume'], quiet);
    expect(resumed.outcome.progress.resumedDocuments).toBeGreaterThanOrEqual(38);
    expect(resumed.outcome.progress.sessionDocuments).toBe(300 - resumed.outcome.progress.resumedDocuments);
    // Same lines in the same order: nothing repeated, nothing missing.
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(full.output, 'utf8'));
    expect(readFileSync(resumed.skippedFile, 'utf8')).toBe(readFileSync(full.skippedFile, 'utf8'));
    const ids = new Set(lines(out).map((l) => JSON.parse(l).id));
    expect(ids.size).toBe(300);
    const summary = (r: ExtractRun) => JSON.parse(readFileSync(r.summaryFile, 'utf8')).aggregates;
    expect(summary(resumed)).toEqual(summary(full));

  }, 120_000);

  it('gives the lines of one run as the union of two shards', async () => {
    for (const format of ['jsonl', 'csv'] as const) {
      const one = await runExtract(csvArgs(`one.${format}`, '--model', 'none', '--quiet'), quiet);
      const shards = [1, 2].map((k) => runExtract(csvArgs(`shard${k}.${format}`, '--model', 'none', '--shard', `${k}/2`, '--quiet'), quiet));
      const [a, b] = await Promise.all(shards);
      const body = (r: ExtractRun) => lines(r.output).slice(format === 'csv' ? 1 : 0);
      expect(body(a).length).toBeGreaterThan(100);
      expect(body(b).length).toBeGreaterThan(100);
      const union = [...body(a), ...body(b)];
      expect(union.length).toBe(body(one).length);
      expect(new Set(union)).toEqual(new Set(body(one)));
      expect(new Set([...lines(a.skippedFile), ...lines(b.skippedFile)])).toEqual(new Set(lines(one.skippedFile)));
      expect(a.outcome.checkpoint.documents + b.outcome.checkpoint.documents).toBe(one.outcome.checkpoint.documents);
      if (format === 'jsonl') {
        // the shards' summaries add up to the single run's
        const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as { documents: number; skipped: number; aggregates: unknown; top: unknown };
        const merged = await mergeSummaries([a.summaryFile, b.summaryFile], join(dir, 'merged.summary.json'));
        const single = read(one.summaryFile);
        expect(read(join(dir, 'merged.summary.json'))).toEqual(JSON.parse(JSON.stringify(merged)));
        expect(merged.aggregates).toEqual(single.aggregates);
        expect(merged.top).toEqual(single.top);
        expect([merged.documents, merged.skipped]).toEqual([single.documents, single.skipped]);
        await expect(mergeSummaries([a.summaryFile, a.summaryFile], join(dir, 'twice.json'))).rejects.toThrow(/given twice/);
        await expect(mergeSummaries([a.summaryFile, one.output], join(dir, 'bad.json'))).rejects.toThrow(/not a .*summary/);
      }
    }
  });

  it('writes CSV and JSONL (shown and ranked) that parse back and point at the document text', async () => {
    const csv = await runExtract(csvArgs('rows.csv', '--model', 'none', '--quiet'), quiet);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(csv.output, 'utf8'), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length).toBeGreaterThan(300);
    for (const row of parsed.data.slice(0, 200)) {
      expect(row.uri).toMatch(/^http:\/\/data\.europa\.eu\/esco\/(skill|occupation)\//);
      expect(['skill', 'occupation']).toContain(row.kind);
      expect(Number(row.score)).toBeGreaterThanOrEqual(0.6);
      const spans = row.evidence_offsets.split(';').map((s) => s.split('-').map(Number));
      const evidence = JSON.parse(row.evidence_text) as string[];
      expect(evidence.length).toBe(spans.length);
      spans.forEach(([start, end], i) => expect(texts.get(row.id)!.slice(start, end)).toBe(evidence[i]));
    }

    const jsonl = await runExtract(['--input', join(dir, 'ads.jsonl'), '--id-column', 'id', '--output', join(dir, 'rows.jsonl'), '--model', 'none', '--kind', 'skill', '--quiet'], quiet);
    const rows = lines(jsonl.output).map((l) => JSON.parse(l));
    expect(rows.every((r) => r.kind === 'skill' && typeof r.label === 'string' && r.evidence.every((e: { start: number; end: number; text: string }) => texts.get(r.id)!.slice(e.start, e.end) === e.text))).toBe(true);
    const skipped = lines(jsonl.skippedFile).map((l) => JSON.parse(l));
    expect(skipped).toEqual([
      { line: 6, code: 'invalid-json', reason: expect.stringMatching(/^invalid JSON/) },
      { line: 10, id: 'ad-1', code: 'duplicate-id', reason: 'duplicate id "ad-1": an earlier row has the same id' },
    ]);

    const ranked = await runExtract(csvArgs('ranked.jsonl', '--model', 'none', '--ranked', '--threshold-skill', '0.97', '--quiet'), quiet);
    const docs = lines(ranked.output).map((l) => JSON.parse(l));
    expect(docs.length).toBe(300);
    expect(new Set(docs.map((d) => d.id)).size).toBe(300);
    const d0 = docs.find((d) => d.skill.length >= 2)!;
    expect(d0.skill.map((s: { rank: number }) => s.rank)).toEqual(d0.skill.map((_: unknown, i: number) => i + 1));
    expect(d0.skill.every((s: { score: number; shown: boolean }) => s.shown === s.score >= 0.97)).toBe(true);
  });

  it('adds reranker scores with the test preset', async () => {
    writeFileSync(join(dir, 'few.jsonl'), [...texts.entries()].slice(0, 3).map(([id, text]) => JSON.stringify({ id, text })).join('\n'));
    const r = await runExtract(['--input', join(dir, 'few.jsonl'), '--id-column', 'id', '--output', join(dir, 'few.out.jsonl'), '--model', 'test', '--ranked', '--quiet'], quiet);
    const docs = lines(r.output).map((l) => JSON.parse(l));
    expect(docs.length).toBe(3);
    expect(docs.some((d) => d.skill.some((s: { rerank?: number; retrieval: number }) => s.rerank !== undefined && s.rerank > 0 && s.retrieval > 0))).toBe(true);
  }, 60_000);

  it('fails clearly on bad input, with a non-zero exit code', async () => {
    writeFileSync(join(dir, 'binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00]));
    await expect(runExtract(csvArgs('x.jsonl', '--model', 'none').map((a) => (a.endsWith('ads.csv') ? join(dir, 'nope.csv') : a)), quiet)).rejects.toThrow(/nope\.csv: no such file/);
    await expect(runExtract(['--input', join(dir, 'binary.csv'), '--text-column', 'description', '--output', join(dir, 'x.jsonl'), '--model', 'none'], quiet)).rejects.toThrow(/not text \(a NUL byte/);
    await expect(runExtract(['--input', join(dir, 'ads.csv'), '--text-column', 'body', '--output', join(dir, 'x.jsonl'), '--model', 'none'], quiet)).rejects.toThrow(/no column "body" \(--text-column\); the columns are "id", "title", "description"/);
    await expect(runExtract(csvArgs('x.jsonl', '--model', 'none', '--shard', '3/2'), quiet)).rejects.toThrow(/between 1 and 2/);

    const [missingColumn, usage] = await Promise.all([
      spawnCli(['--input', join(dir, 'ads.csv'), '--id-column', 'key', '--text-column', 'description', '--output', join(dir, 'x.jsonl')]),
      spawnCli(['--input', join(dir, 'ads.csv'), '--output', join(dir, 'x.jsonl'), '--kind', 'skills']),
    ].map(async (r) => ({ code: await r.exit, stderr: r.stderr() })));
    expect(missingColumn.code).toBe(1);
    expect(missingColumn.stderr).toMatch(/extract: .*ads\.csv: no column "key" \(--id-column\)/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--kind takes skill, occupation or both/);
  }, 60_000);

  it('refuses to overwrite an unfinished run without --resume or --force, not a finished one', async () => {
    const out = join(dir, 'unfinished.jsonl');
    writeFileSync(`${out}.checkpoint.json`, JSON.stringify({ store: { version: 1, format: 'jsonl', mode: 'shown', outputBytes: 0, skippedBytes: 0 }, checkpoint: { done: false } }));
    await expect(runExtract(csvArgs('unfinished.jsonl', '--model', 'none'), quiet)).rejects.toThrow(/unfinished run: add --resume to continue it, or --force/);
    const forced = await runExtract(csvArgs('unfinished.jsonl', '--model', 'none', '--force', '--quiet'), quiet);
    expect(forced.outcome.checkpoint.documents).toBe(300);
    // A finished run's checkpoint does not stop a new run.
    const again = await runExtract(csvArgs('unfinished.jsonl', '--model', 'none', '--quiet'), quiet);
    expect(again.outcome.progress.sessionDocuments).toBe(300);
  });
});

describe('the analyser with a span tagger', () => {
  it('bge-small-en: phrases tagged on the embedder’s own graph become queries of their own; the test preset has no tagger', async () => {
    const a = await buildAnalyser({ model: 'bge-small-en', rerank: false });
    expect(a.describe).toContain('+ span tagger');
    const text = 'You will design REST APIs and maintain PostgreSQL databases.\nExperience with project management is a plus.';
    const r = await a.analyse(text);
    const queries = new Set(r.candidates.flatMap((c) => c.evidence).filter((e) => e.signal === 'embedding').map((e) => text.slice(e.start, e.end)));
    // The clause and the phrase inside it, which only the tagger proposes.
    expect(queries).toContain('Experience with project management is a plus');
    expect(queries).toContain('project management');
    expect((await buildAnalyser({ model: 'test', rerank: false })).describe).not.toContain('span tagger');
  });
});
