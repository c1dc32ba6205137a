// Deterministic sharding: `--shard k/n` takes the documents whose id hashes to k-1 modulo n, so n
// independent runs (Kubernetes indexed Jobs, Slurm arrays, GNU parallel) cover the input exactly
// once with no coordinator, and their outputs concatenate into the lines of one run. Every copy of
// an id lands in the same shard, so duplicate-id detection agrees with a single run too.
import { fnv1a32 } from './ids.ts';
import type { InputItem } from './types.ts';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(spec: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new Error(`--shard must look like k/n, e.g. 1/4 (got "${spec}")`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new Error(`--shard ${spec}: n must be at least 1`);
  if (index < 1 || index > count) throw new Error(`--shard ${spec}: k must be between 1 and ${count} (shards are numbered from 1)`);
  return { index, count };
}

/** The shard (1-based) a key belongs to among `count`. */
export function shardOf(key: string, count: number): number {
  return (fnv1a32(key) % count) + 1;
}

/** The key an input item is sharded by: its id, or its line for a skipped row without one. */
export function shardKey(item: InputItem): string {
  if (item.type === 'document') return item.doc.id;
  return item.skipped.id ?? `line:${item.skipped.line}`;
}

export function inShard(item: InputItem, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || shardOf(shardKey(item), shard.count) === shard.index;
}
