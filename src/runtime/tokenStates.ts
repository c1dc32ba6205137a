// Token states and the pooled text vector from one forward pass, for the span tagger
// (src/core/spanTagger.ts). Works in the browser worker and in Node like transformersModels.ts (it
// reuses its loading and configuration; call configureTransformers first, as for loadEmbedder).
//
// transformers.js 4.3.1 tokenizers return no character offsets, so the input is built here:
//  1. the text is cut at whitespace into chunks (the pre-tokenisation of both BERT WordPiece and
//     XLM-R's Metaspace), each chunk tokenised alone: the concatenated ids equal the tokenizer's own
//     ids of the whole text (checked by the tests on real ads), so the pooled vector is the one the
//     Embedder gives;
//  2. each sub-token is aligned to its characters in the chunk (markers `##` / `▁` dropped, both sides
//     compared after NFKC, lower case and accent stripping); where that fails (an [UNK]), the chunk is
//     tokenised again word by word (splitWords), which cannot fail;
//  3. a word (splitWords) is represented by the state of the sub-token that holds its first character.
// Texts longer than the model's maximum are cut into windows at chunk boundaries; each window is one
// row of a batch, and the pooled vector of a multi-window text is the normalised mean of its windows'.
import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import type { Embedder, EmbedderSpec } from '../core/models.ts';
import { splitWords, type CharSpan } from '../core/spanTagger.ts';
import { configureTransformers, lengthBatches, loadEmbedder, poolRow, type LoadedEmbedder, type RuntimeOptions } from './transformersModels.ts';

export interface TextStates {
  /** Word units of the text (splitWords), character offsets into the text. */
  words: CharSpan[];
  /** One state per word (its first sub-token's last hidden state), words.length x dims. */
  states: Float32Array;
  /** The pooled, L2-normalised text vector (the spec's pooling), as Embedder.embed would return it. */
  vector: Float32Array;
  /** Sub-tokens fed to the model (special tokens and prefix included, all windows). */
  tokens: number;
  windows: number;
}

export interface TokenStateModel {
  readonly spec: EmbedderSpec;
  readonly dims: number;
  /** States of each text; `prefix` (default: none) is prepended to every text, e.g. e5's `query: `. */
  states(texts: string[], opts?: { prefix?: string }): Promise<TextStates[]>;
  dispose(): Promise<void>;
}

/** A tokenizer as far as this file needs it (the tests pass a fake). */
export interface PieceTokenizer {
  tokenize(text: string, opts: { add_special_tokens: boolean }): string[];
  encode(text: string, opts: { add_special_tokens: boolean }): number[];
}

function normChars(s: string): string {
  return s.normalize('NFKC').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * The start offset in `chunk` of each piece (markers stripped), or null when the pieces do not spell
 * the chunk (after normalisation). A piece that is only a marker (`▁`) starts where the next begins.
 */
export function alignPieces(chunk: string, pieces: readonly string[]): number[] | null {
  let norm = '';
  const at: number[] = [];
  for (let i = 0; i < chunk.length; ) {
    const cp = chunk.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const n = normChars(ch);
    for (let k = 0; k < n.length; k++) at.push(i);
    norm += n;
    i += ch.length;
  }
  at.push(chunk.length);
  const starts: number[] = [];
  let p = 0;
  for (const raw of pieces) {
    const piece = normChars(raw.replace(/^##/, '').replace(/^\u2581+/, ''));
    if (!norm.startsWith(piece, p)) return null;
    starts.push(at[p]);
    p += piece.length;
  }
  return p === norm.length ? starts : null;
}

export interface TextTokens {
  /** Sub-token ids of the text, no special tokens, no prefix. */
  ids: number[];
  /** Start character (in the text) of each sub-token. */
  starts: number[];
  /** Index of the first sub-token of each chunk (whitespace-delimited piece of the text). */
  chunkFirst: number[];
  words: CharSpan[];
  /** Per word, the sub-token that holds its first character. */
  wordToken: number[];
}

/** Sub-tokens of a text with their character offsets and the word units they carry (see the file comment). */
export function tokenizeWithOffsets(tok: PieceTokenizer, text: string, cache?: Map<string, { ids: number[]; starts: number[] }>): TextTokens {
  const ids: number[] = [];
  const starts: number[] = [];
  const chunkFirst: number[] = [];
  const words: CharSpan[] = [];
  const wordToken: number[] = [];
  const chunkRe = /\S+/g;
  for (let m = chunkRe.exec(text); m; m = chunkRe.exec(text)) {
    const chunk = m[0];
    let t = cache?.get(chunk);
    if (!t) {
      // Ids from encode (tokenize may return pieces outside the vocabulary, which encode maps to <unk>).
      const pieces = tok.tokenize(chunk, { add_special_tokens: false });
      const chunkIds = tok.encode(chunk, { add_special_tokens: false });
      const aligned = pieces.length === chunkIds.length ? alignPieces(chunk, pieces) : null;
      if (aligned) t = { ids: chunkIds, starts: aligned };
      else {
        t = { ids: [], starts: [] };
        for (const w of splitWords(chunk)) {
          const wi = tok.encode(chunk.slice(w.start, w.end), { add_special_tokens: false });
          for (const id of wi) {
            t.ids.push(id);
            t.starts.push(w.start);
          }
        }
      }
      cache?.set(chunk, t);
    }
    const first = ids.length;
    chunkFirst.push(first);
    for (let k = 0; k < t.ids.length; k++) {
      ids.push(t.ids[k]);
      starts.push(m.index + t.starts[k]);
    }
    let k = first;
    for (const w of splitWords(text, m.index, m.index + chunk.length)) {
      while (k + 1 < ids.length && starts[k + 1] <= w.start) k++;
      words.push(w);
      wordToken.push(Math.min(k, ids.length - 1));
    }
  }
  return { ids, starts, chunkFirst, words, wordToken };
}

/** Window boundaries (sub-token indices [from, to)) of at most `room` sub-tokens, cut at chunk starts where possible. */
export function windowsOf(t: TextTokens, room: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  const n = t.ids.length;
  while (from < n || (n === 0 && out.length === 0)) {
    if (n - from <= room) {
      out.push([from, n]);
      break;
    }
    let to = from + room;
    // The last chunk start inside the window (leaves a cut chunk to the next window).
    let best = -1;
    for (const c of t.chunkFirst) if (c > from && c <= to) best = c;
    if (best > from) to = best;
    out.push([from, to]);
    from = to;
  }
  return out;
}

/** Loads the embedder's graph for token states (the same files and dtype as loadEmbedder). */
export async function loadTokenStateModel(spec: EmbedderSpec, o: RuntimeOptions): Promise<TokenStateModel> {
  if (o.localModelPath) configureTransformers({ localModelPath: o.localModelPath });
  return tokenStatesOf(await loadEmbedder(spec, o));
}

const views = new WeakMap<LoadedEmbedder, TokenStateModel>();

/**
 * Token states from an embedder already loaded (the worker's, the CLI's): the same tokenizer and
 * graph, so the tagger costs one more forward pass per text, not a second copy of the model.
 * Disposing the view disposes the embedder's graph.
 */
export function tokenStatesOf(embedder: LoadedEmbedder): TokenStateModel {
  let v = views.get(embedder);
  if (!v) {
    const { tokenizer, model, batchSize } = embedder.parts;
    v = tokenStateModel(embedder.spec, tokenizer as unknown as PieceTokenizer & { pad_token_id: number }, model, batchSize);
    views.set(embedder, v);
  }
  return v;
}

export function tokenStateModel(
  spec: EmbedderSpec,
  tok: PieceTokenizer & { pad_token_id?: number },
  model: PreTrainedModel,
  batchSize = 32,
): TokenStateModel {
  const dims = spec.dims;
  const specials = tok.encode('', { add_special_tokens: true });
  if (specials.length !== 2) throw new Error(`${spec.id}: expected two special tokens around a text, got ${specials.length}`);
  const [open, close] = specials;
  const pad = tok.pad_token_id ?? 0;
  const inputNames = (model.sessions.model as { inputNames?: string[] } | undefined)?.inputNames ?? ['input_ids', 'attention_mask'];
  const cache = new Map<string, { ids: number[]; starts: number[] }>();

  async function states(texts: string[], opts: { prefix?: string } = {}): Promise<TextStates[]> {
    if (cache.size > 50_000) cache.clear();
    const prefixIds = opts.prefix ? tokenizeWithOffsets(tok, opts.prefix, cache).ids : [];
    const room = spec.maxLength - 2 - prefixIds.length;
    const toks = texts.map((t) => tokenizeWithOffsets(tok, t, cache));
    // One row per window.
    const rows: { text: number; from: number; to: number }[] = [];
    toks.forEach((t, i) => {
      for (const [from, to] of windowsOf(t, room)) rows.push({ text: i, from, to });
    });
    const rowStates: Float32Array[] = new Array(rows.length);
    const rowVectors: Float32Array[] = new Array(rows.length);
    for (const batch of lengthBatches(rows.map((r) => r.to - r.from), batchSize)) {
      const seq = Math.max(...batch.map((r) => rows[r].to - rows[r].from)) + 2 + prefixIds.length;
      const b = batch.length;
      const idsData = new BigInt64Array(b * seq).fill(BigInt(pad));
      const maskData = new BigInt64Array(b * seq);
      const maskNum = new Float64Array(b * seq);
      batch.forEach((r, k) => {
        const row = rows[r];
        const ids = [open, ...prefixIds, ...toks[row.text].ids.slice(row.from, row.to), close];
        for (let j = 0; j < ids.length; j++) {
          idsData[k * seq + j] = BigInt(ids[j]);
          maskData[k * seq + j] = 1n;
          maskNum[k * seq + j] = 1;
        }
      });
      const feeds: Record<string, Tensor> = {};
      if (inputNames.includes('input_ids')) feeds.input_ids = new Tensor('int64', idsData, [b, seq]);
      if (inputNames.includes('attention_mask')) feeds.attention_mask = new Tensor('int64', maskData, [b, seq]);
      if (inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', new BigInt64Array(b * seq), [b, seq]);
      const out = (await model(feeds)) as { last_hidden_state?: Tensor };
      const hidden = out.last_hidden_state;
      if (!hidden) throw new Error(`${spec.id}: the model returned no last_hidden_state`);
      if (hidden.type !== 'float32') throw new Error(`${spec.id}: token states of type ${hidden.type} are not supported (use fp32 or q8)`);
      const data = hidden.data as Float32Array;
      batch.forEach((r, k) => {
        const row = rows[r];
        // Keep the row's text tokens only (after the opening special and the prefix).
        const first = k * seq + 1 + prefixIds.length;
        rowStates[r] = data.slice(first * dims, (first + row.to - row.from) * dims);
        const v = new Float32Array(dims);
        poolRow(data, spec.pooling === 'mean' ? maskNum : null, k, seq, dims, v, 0);
        rowVectors[r] = v;
      });
    }
    const results: TextStates[] = toks.map((t) => ({ words: t.words, states: new Float32Array(t.words.length * dims), vector: new Float32Array(dims), tokens: 0, windows: 0 }));
    rows.forEach((row, r) => {
      const res = results[row.text];
      const t = toks[row.text];
      res.windows++;
      res.tokens += row.to - row.from + 2 + prefixIds.length;
      for (let j = 0; j < dims; j++) res.vector[j] += rowVectors[r][j];
      t.wordToken.forEach((tk, w) => {
        if (tk >= row.from && tk < row.to) res.states.set(rowStates[r].subarray((tk - row.from) * dims, (tk - row.from + 1) * dims), w * dims);
      });
    });
    for (const res of results) {
      let norm = 0;
      for (let j = 0; j < dims; j++) norm += res.vector[j] * res.vector[j];
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < dims; j++) res.vector[j] *= inv;
    }
    return results;
  }

  return {
    spec,
    dims,
    states,
    dispose: async () => {
      await model.dispose();
    },
  };
}

/**
 * The Embedder interface over a token-state model, so one loaded graph serves both the segment vectors
 * (embed: the same vectors as loadEmbedder's, texts already carrying any query prefix) and the tagger
 * input (model.states).
 */
export function tokenStateEmbedder(model: TokenStateModel): Embedder {
  return {
    dims: model.dims,
    embed: async (texts) => {
      const res = await model.states(texts);
      const out = new Float32Array(texts.length * model.dims);
      res.forEach((r, i) => out.set(r.vector, i * model.dims));
      return out;
    },
  };
}
