// The summary file a run of `npm run extract` writes beside its output, and
// `npm run extract -- --merge-summaries --output all.summary.json out-1.jsonl.summary.json ...`:
// adds up the summaries of the shards of one run (documents, skipped rows, per-concept document
// counts) into the summary a single run would have written. Shards run in parallel, so the merged
// throughput is all documents over the longest shard's time. Summaries of different models or
// settings are refused: their counts do not add up to anything meaningful.
import { readFileSync } from 'node:fs';
import { Aggregator } from '../../src/core/batch/aggregate.ts';
import type { AggregateState } from '../../src/core/batch/types.ts';
import { canonicalJson } from '../../src/core/hash.ts';
import { writeJsonAtomic } from './fileStore.ts';

interface ShardSummary {
  model: unknown;
  shard: string | null;
  settings: unknown;
  documents: number;
  skipped: number;
  rows: number;
  elapsedMs: number;
  aggregates: AggregateState;
}

/** The summary file: counts, throughput, and the full per-concept document counts (shard summaries add up). */
export function summaryOf(agg: Aggregator, documents: number, skipped: number, rows: number, elapsedMs: number, meta: Record<string, unknown>) {
  const state = agg.state();
  return {
    ...meta,
    documents,
    skipped,
    rows,
    elapsedMs: Math.round(elapsedMs),
    docsPerMinute: elapsedMs > 0 ? Math.round((documents / elapsedMs) * 60_000) : null,
    shareWithAny: { skill: agg.shareWithAny('skill'), occupation: agg.shareWithAny('occupation') },
    top: { skill: agg.top('skill', 50), occupation: agg.top('occupation', 50) },
    aggregates: state,
  };
}

export class MergeError extends Error {
  override name = 'MergeError';
}

function readSummary(file: string): ShardSummary {
  let value: Partial<ShardSummary>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShardSummary>;
  } catch (e) {
    throw new MergeError(`${file}: not a readable summary (${(e as Error).message})`);
  }
  if (!value.aggregates || typeof value.documents !== 'number') throw new MergeError(`${file}: not a summary written by npm run extract (no documents/aggregates)`);
  return value as ShardSummary;
}

export async function mergeSummaries(files: readonly string[], output: string): Promise<ReturnType<typeof summaryOf>> {
  if (files.length < 2) throw new MergeError('--merge-summaries takes at least two summary files');
  const summaries = files.map(readSummary);
  const first = summaries[0];
  const shards = new Set<string>();
  for (const [i, s] of summaries.entries()) {
    if (canonicalJson(s.model) !== canonicalJson(first.model) || canonicalJson(s.settings) !== canonicalJson(first.settings)) {
      throw new MergeError(`${files[i]} was written with another model or other settings than ${files[0]}`);
    }
    if (s.shard !== null) {
      if (shards.has(s.shard)) throw new MergeError(`${files[i]}: shard ${s.shard} is given twice`);
      shards.add(s.shard);
    }
  }
  const agg = new Aggregator();
  for (const s of summaries) agg.merge(s.aggregates);
  const sum = (f: (s: ShardSummary) => number) => summaries.reduce((n, s) => n + f(s), 0);
  const merged = summaryOf(agg, sum((s) => s.documents), sum((s) => s.skipped), sum((s) => s.rows), Math.max(...summaries.map((s) => s.elapsedMs)), {
    model: first.model,
    shard: null,
    mergedFrom: [...files],
    settings: first.settings,
  });
  await writeJsonAtomic(output, merged);
  return merged;
}
