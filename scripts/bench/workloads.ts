// Encoder inputs for the inference benchmark, shared by Node and the bench page: batches of token
// lengths turned into input_ids / attention_mask (and token_type_ids, zeros, for BERT graphs) padded
// to the longest row of each batch, the way the app's embedder batches (texts sorted by length, then
// cut into batches: little padding). Token ids only need to be in the vocabulary; their values do
// not change the work done.
import { lengthBatches } from '../../src/runtime/transformersModels.ts';

export interface Batch {
  /** Real tokens per row (special tokens included). */
  lengths: number[];
}

export interface EncodedBatch {
  batch: number;
  seq: number;
  ids: BigInt64Array;
  mask: BigInt64Array;
}

export function encodeBatch(b: Batch, vocab: number): EncodedBatch {
  const batch = b.lengths.length;
  const seq = Math.max(1, ...b.lengths);
  const ids = new BigInt64Array(batch * seq);
  const mask = new BigInt64Array(batch * seq);
  for (let r = 0; r < batch; r++) {
    for (let t = 0; t < b.lengths[r]; t++) {
      ids[r * seq + t] = BigInt(1 + ((r * 7919 + t * 104729) % (vocab - 1)));
      mask[r * seq + t] = 1n;
    }
  }
  return { batch, seq, ids, mask };
}

/**
 * The int64 feeds of one batch for a session's declared inputs (the synthetic encoder takes
 * input_ids + attention_mask, the exported BERT graphs also token_type_ids): data and shape per name.
 * An input the benchmark cannot fill is an error naming it, not a silently wrong run.
 */
export function feedArrays(inputNames: readonly string[], e: EncodedBatch): Record<string, { data: BigInt64Array; dims: [number, number] }> {
  const dims: [number, number] = [e.batch, e.seq];
  const feeds: Record<string, { data: BigInt64Array; dims: [number, number] }> = {};
  for (const name of inputNames) {
    if (name === 'input_ids') feeds[name] = { data: e.ids, dims };
    else if (name === 'attention_mask') feeds[name] = { data: e.mask, dims };
    // One segment per text (what the app's tokenizer gives a single text): all zeros.
    else if (name === 'token_type_ids') feeds[name] = { data: new BigInt64Array(e.batch * e.seq), dims };
    else throw new Error(`the graph has an input "${name}" the benchmark cannot fill (known: input_ids, attention_mask, token_type_ids)`);
  }
  return feeds;
}

/** Batches as loadEmbedder's embed() cuts them (the app applies the rule to character lengths, here to tokens). */
export function batchesOf(lengths: number[], size: number): Batch[] {
  return lengthBatches(lengths, size).map((idx) => ({ lengths: idx.map((i) => lengths[i]) }));
}

export function realTokens(batches: Batch[]): number {
  return batches.reduce((s, b) => s + b.lengths.reduce((a, x) => a + x, 0), 0);
}

/** Tokens the model actually processes: every row padded to its batch's longest. */
export function paddedTokens(batches: Batch[]): number {
  return batches.reduce((s, b) => s + b.lengths.length * Math.max(0, ...b.lengths), 0);
}
