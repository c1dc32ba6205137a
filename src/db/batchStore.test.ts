// Tests for the IndexedDB batch job store on fake-indexeddb: jobs keep their input files, commits
// store results and checkpoint together (a resume after an abort gives no duplicates or gaps), a
// failed commit leaves nothing behind, paged reads, deletion, and the embedding cache DB untouched.
import 'fake-indexeddb/auto'; // idb needs the IDB globals (and IDBKeyRange); each test still gets its own factory
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonlDocuments } from '../core/batch/input.ts';
import { MemoryCheckpointStore } from '../core/batch/memoryStore.ts';
import { freshCheckpoint, runBatch } from '../core/batch/runner.ts';
import { buildLexicalIndex } from '../core/lexical.ts';
import { extractLexical } from '../core/pipeline.ts';
import type { SkillConcept, Taxonomy } from '../core/taxonomy.ts';
import { defaultThresholds } from '../core/thresholds.ts';
import { BATCH_DB_NAME, openBatchStore, sameInputFiles, type BatchStore, type NewBatchJob } from './batchStore.ts';

function skill(label: string): SkillConcept {
  return { uri: `skill:${label}`, label, altLabels: [], description: '', skillType: 'knowledge', reuseLevel: '', groups: [] };
}
const taxonomy: Taxonomy = { format: 1, escoVersion: 'test', language: 'en', contentHash: 'x', skillGroups: [], skills: ['Python', 'SQL', 'welding'].map(skill), occupations: [] };
const lexical = buildLexicalIndex(taxonomy);
const analyse = async (t: string) => extractLexical(t, { taxonomy, lexical });
const settings = defaultThresholds('bge-m3');

async function* chunked(s: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < s.length; i += size) yield s.slice(i, i + size);
}

const opened: BatchStore[] = [];
async function open(factory = new IDBFactory()): Promise<BatchStore> {
  const s = await openBatchStore({ factory });
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function newJob(text = 'x'): NewBatchJob {
  return { name: 'ads.jsonl', input: { kind: 'jsonl', idField: 'id' }, files: [{ name: 'ads.jsonl', file: new Blob([text]) }], presetId: 'test', settings, kinds: ['skill', 'occupation'] };
}

const N = 120;
const INPUT = Array.from({ length: N }, (_, i) => (i === 7 ? '{not json\n' : `${JSON.stringify({ id: `d${i}`, text: i % 3 ? 'We need Python and SQL.' : 'welding' })}\n`)).join('');

describe('BatchStore', () => {
  it('stores a job with its input file and lists, reads and deletes it', async () => {
    const store = await open();
    const job = await store.createJob(newJob('hello'));
    expect(job.state).toBe('queued');
    expect(job.totalBytes).toBe(5);
    expect((await store.listJobs()).map((j) => j.id)).toEqual([job.id]);
    const files = await store.getFiles(job.id);
    expect(files).toHaveLength(1);
    expect(files[0].name).toBe('ads.jsonl');
    expect(files[0].file.size).toBe(5);
    await store.setState(job.id, 'paused', 'paused by the user');
    expect((await store.getJob(job.id))?.state).toBe('paused');
    await store.deleteJob(job.id);
    expect(await store.listJobs()).toEqual([]);
    expect(await store.getFiles(job.id)).toEqual([]);
  });

  it('keeps a job without its file when asked (too large to store), and checks a reopened file against it', async () => {
    const store = await open();
    const file = new File(['0123456789'], 'big.csv', { lastModified: 1_700_000_000_000 });
    const job = await store.createJob({ ...newJob(), name: 'big.csv', files: [{ name: 'big.csv', file }], keepFiles: false });
    expect(job.filesStored).toBe(false);
    expect(job.files).toEqual([{ name: 'big.csv', size: 10, lastModified: 1_700_000_000_000 }]);
    expect(await store.getFiles(job.id)).toEqual([]);
    expect(sameInputFiles(job, [{ name: 'big.csv', file }])).toBeNull();
    expect(sameInputFiles(job, [{ name: 'big.csv', file: new File(['01234'], 'big.csv') }])).toMatch(/big\.csv \(5 bytes\) is not the job's input file big\.csv \(10 bytes/);
    expect(sameInputFiles(job, [{ name: 'big.csv', file: new File(['0123456789'], 'big.csv', { lastModified: 1 }) }])).toMatch(/not the job's input file/);
    expect(sameInputFiles(job, [])).toBe("this job reads 1 file, 0 given");
  });

  it('a file write that fails leaves no job behind', async () => {
    const store = await open();
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'files') throw new DOMException('', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      await expect(store.createJob(newJob())).rejects.toMatchObject({ name: 'QuotaExceededError' });
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(await store.listJobs()).toEqual([]);
  });

  it('is a CheckpointStore: an aborted run resumes with no duplicates or gaps, as the memory store does', async () => {
    const factory = new IDBFactory();
    let store = await open(factory);
    const job = await store.createJob(newJob());
    const reference = new MemoryCheckpointStore();
    await runBatch({ input: jsonlDocuments(chunked(INPUT, 500), { idField: 'id' }), analyse, taxonomy, settings, store: reference, fingerprint: job.fingerprint });

    // Stop after about a third, then resume with a fresh connection (a reload).
    const ac = new AbortController();
    let seen = 0;
    const first = await runBatch({
      input: jsonlDocuments(chunked(INPUT, 500), { idField: 'id' }),
      analyse: async (t) => {
        if (++seen === 40) ac.abort();
        return analyse(t);
      },
      taxonomy,
      settings,
      store: store.checkpointStore(job.id),
      fingerprint: job.fingerprint,
      signal: ac.signal,
      commitEvery: 7,
    });
    expect(first.status).toBe('aborted');
    expect(await store.countDocuments(job.id)).toBe(first.checkpoint.documents);
    store.close();
    store = await open(factory);
    const second = await runBatch({ input: jsonlDocuments(chunked(INPUT, 500), { idField: 'id' }), analyse, taxonomy, settings, store: store.checkpointStore(job.id), fingerprint: job.fingerprint, commitEvery: 7 });
    expect(second.status).toBe('done');

    const docs: string[] = [];
    for await (const page of store.documents(job.id, 16)) docs.push(...page.map((d) => d.id));
    expect(docs).toEqual(reference.documents.map((d) => d.id));
    expect(new Set(docs).size).toBe(N - 1);
    const skipped = await store.readSkipped(job.id);
    expect(skipped).toEqual(reference.skipped);
    expect(skipped[0]).toMatchObject({ line: 8, code: 'invalid-json' });
    const saved = await store.getJob(job.id);
    expect(saved?.state).toBe('done');
    expect(saved?.checkpoint?.aggregates).toEqual(reference.checkpoint?.aggregates);
    expect((await store.readDocuments(job.id, 10, 5)).map((d) => d.id)).toEqual(reference.documents.slice(10, 15).map((d) => d.id));
  });

  it('a commit to a deleted job fails and writes nothing', async () => {
    const store = await open();
    const job = await store.createJob(newJob());
    const cps = store.checkpointStore(job.id);
    await store.deleteJob(job.id);
    const doc = { id: 'a', line: 1, textLength: 1, candidates: [], rows: [], notices: [] };
    await expect(cps.commit({ documents: [doc], skipped: [] }, { ...freshCheckpoint('f'), documents: 1, recordsConsumed: 1 })).rejects.toThrow(/deleted/);
    expect(await store.countDocuments(job.id)).toBe(0);
    await expect(cps.load()).rejects.toThrow(/does not exist/);
  });

  it('uses its own database, not the embedding cache one', async () => {
    const factory = new IDBFactory();
    await open(factory);
    const names = (await factory.databases()).map((d) => d.name);
    expect(names).toEqual([BATCH_DB_NAME]);
  });
});
