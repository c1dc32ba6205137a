// Phrase-level candidates: a small BIO tagging head over the token states the embedder already
// computes (issue 25 item 2). Pure TypeScript, no Node imports: the browser worker, the Node CLIs and
// the training script (scripts/train-tagger.ts) share it.
//
// Units. The head tags *words*: runs of characters that are neither whitespace nor punctuation, and
// single punctuation characters (`splitWords`, BERT's basic pre-tokenisation, so a WordPiece
// tokenizer never splits across a word boundary). A word's state is the model's last hidden state of
// the word's first sub-token (src/runtime/tokenStates.ts computes both in one forward pass, together
// with the pooled text vector).
//
// Features of word i: the standardised states of words i-c..i+c (c = `context`, zero rows past the
// ends), concatenated. Standardisation is folded into the weights at export, so inference is one
// affine map per head: logits = W x + b over the classes O, B, I. Decoding is Viterbi under the BIO
// constraint (I never follows O or starts a text) on the heads' log-probabilities, plus learned
// transition scores when the head was trained as a linear-chain CRF. A head is one span type:
// `skill`, `knowledge`, or the merged `skill/knowledge`.

export type SpanType = 'skill' | 'knowledge' | 'skill/knowledge';

export const BIO = ['O', 'B', 'I'] as const;
export type Bio = (typeof BIO)[number];

export interface CharSpan {
  start: number;
  end: number;
}

export interface TaggedCharSpan extends CharSpan {
  /** Mean over the span's words of 1 - P(O): how sure the head is that these words are a mention. */
  score: number;
  type: SpanType;
}

/** One head as serialised: row-major weights (3 x featureDims) and biases over O, B, I. */
export interface SpanTaggerHeadJson {
  type: SpanType;
  weights: number[];
  bias: number[];
  /** A linear-chain CRF head: transition scores (3 x 3, from x to over O, B, I) and start scores. */
  transitions?: number[];
  start?: number[];
}

/** The file scripts/train-tagger.ts writes (`.generated/taggers/<preset>/tagger.json`). */
export interface SpanTaggerJson {
  format: 'esco-span-tagger';
  version: 1;
  /** Embedder whose token states the head reads (`Xenova/bge-small-en-v1.5`). */
  modelId: string;
  /** Width of one token state. */
  dims: number;
  /** Neighbouring words each side whose states are concatenated. */
  context: number;
  /** Which sub-token state stands for a word. */
  wordState: 'first';
  /** Prefix the token states were computed with (e5's `query: `), '' for none. */
  prefix: string;
  heads: SpanTaggerHeadJson[];
}

export interface SpanTaggerHead {
  type: SpanType;
  /** 3 x featureDims, row-major. */
  weights: Float32Array;
  bias: Float32Array;
  transitions?: Float32Array;
  start?: Float32Array;
}

export interface SpanTagger {
  modelId: string;
  dims: number;
  context: number;
  prefix: string;
  featureDims: number;
  heads: SpanTaggerHead[];
}

export interface TagOptions {
  /** Added to the O logit before decoding: > 0 tags less, < 0 more. Default 0. */
  oBias?: number;
  /** Spans scoring below this are dropped. Default 0. */
  minScore?: number;
}

// ---------------------------------------------------------------------------------------------
// Words

// BERT's punctuation: ASCII symbols and Unicode P* (other symbols, e.g. €, stay inside words).
const PUNCT = /[!-/:-@[-`{-~\p{P}]/u;
const WORD = /[!-/:-@[-`{-~\p{P}]|[^\s!-/:-@[-`{-~\p{P}]+/gu;

/** Word units of `text[from, to)` with character offsets into `text`. */
export function splitWords(text: string, from = 0, to = text.length): CharSpan[] {
  const out: CharSpan[] = [];
  const slice = text.slice(from, to);
  WORD.lastIndex = 0;
  for (let m = WORD.exec(slice); m; m = WORD.exec(slice)) out.push({ start: from + m.index, end: from + m.index + m[0].length });
  return out;
}

export function isPunctuation(ch: string): boolean {
  return PUNCT.test(ch);
}

// ---------------------------------------------------------------------------------------------
// Loading

export function featureDims(dims: number, context: number): number {
  return dims * (2 * context + 1);
}

/** Validates and loads a tagger file (parsed JSON or its text). Throws a message naming what is wrong. */
export function loadTagger(json: unknown): SpanTagger {
  const j = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<SpanTaggerJson> | null;
  if (!j || j.format !== 'esco-span-tagger') throw new Error('not a span tagger file (format is not "esco-span-tagger")');
  if (j.version !== 1) throw new Error(`span tagger version ${String(j.version)} is not supported (expected 1)`);
  if (typeof j.modelId !== 'string' || !Number.isInteger(j.dims) || (j.dims ?? 0) <= 0) throw new Error('span tagger: modelId or dims missing');
  if (!Number.isInteger(j.context) || (j.context ?? -1) < 0) throw new Error('span tagger: context missing');
  if (j.wordState !== 'first') throw new Error(`span tagger: word state "${String(j.wordState)}" is not supported`);
  if (!Array.isArray(j.heads) || !j.heads.length) throw new Error('span tagger: no heads');
  const fd = featureDims(j.dims!, j.context!);
  const heads = j.heads.map((h, i) => {
    if (!['skill', 'knowledge', 'skill/knowledge'].includes(h.type)) throw new Error(`span tagger head ${i}: unknown type ${String(h.type)}`);
    if (!Array.isArray(h.weights) || h.weights.length !== 3 * fd) throw new Error(`span tagger head ${i}: ${h.weights?.length} weights, expected 3 x ${fd}`);
    if (!Array.isArray(h.bias) || h.bias.length !== 3) throw new Error(`span tagger head ${i}: expected 3 biases`);
    if (h.transitions !== undefined && (!Array.isArray(h.transitions) || h.transitions.length !== 9 || !Array.isArray(h.start) || h.start.length !== 3)) {
      throw new Error(`span tagger head ${i}: a CRF head needs 9 transitions and 3 start scores`);
    }
    return {
      type: h.type,
      weights: Float32Array.from(h.weights),
      bias: Float32Array.from(h.bias),
      ...(h.transitions ? { transitions: Float32Array.from(h.transitions), start: Float32Array.from(h.start!) } : {}),
    };
  });
  return { modelId: j.modelId!, dims: j.dims!, context: j.context!, prefix: j.prefix ?? '', featureDims: fd, heads };
}

// ---------------------------------------------------------------------------------------------
// Inference

/**
 * Per word, the log-probabilities of O, B, I under one head (n x 3). `states` holds n word states of
 * `dims` values each, row-major.
 */
export function headLogProbs(tagger: SpanTagger, head: SpanTaggerHead, states: Float32Array, n: number, oBias = 0): Float32Array {
  const { dims, context, featureDims: fd } = tagger;
  const out = new Float32Array(n * 3);
  const w = head.weights;
  for (let i = 0; i < n; i++) {
    const z = [head.bias[0] + oBias, head.bias[1], head.bias[2]];
    for (let o = -context; o <= context; o++) {
      const r = i + o;
      if (r < 0 || r >= n) continue;
      const src = r * dims;
      const block = (o + context) * dims;
      for (let c = 0; c < 3; c++) {
        const wb = c * fd + block;
        let s = 0;
        for (let d = 0; d < dims; d++) s += w[wb + d] * states[src + d];
        z[c] += s;
      }
    }
    const m = Math.max(z[0], z[1], z[2]);
    const lse = m + Math.log(Math.exp(z[0] - m) + Math.exp(z[1] - m) + Math.exp(z[2] - m));
    for (let c = 0; c < 3; c++) out[i * 3 + c] = z[c] - lse;
  }
  return out;
}

/**
 * The best BIO sequence under the constraint that I follows B or I: Viterbi over n x 3 emission
 * scores (log-probabilities or logits), plus a CRF head's transition scores (3 x 3, from x to) and
 * start scores where given.
 */
export function viterbiBio(emit: Float32Array, n: number, transitions?: Float32Array, start?: Float32Array): Uint8Array {
  const tags = new Uint8Array(n);
  if (!n) return tags;
  const T = (p: number, c: number) => (p === 0 && c === 2 ? -Infinity : transitions ? transitions[p * 3 + c] : 0);
  const score = new Float64Array(n * 3);
  const back = new Uint8Array(n * 3);
  for (let c = 0; c < 3; c++) score[c] = c === 2 ? -Infinity : emit[c] + (start ? start[c] : 0);
  for (let i = 1; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      let best = -Infinity;
      let arg = 0;
      for (let p = 0; p < 3; p++) {
        const v = score[(i - 1) * 3 + p] + T(p, c);
        if (v > best) {
          best = v;
          arg = p;
        }
      }
      score[i * 3 + c] = best + emit[i * 3 + c];
      back[i * 3 + c] = arg;
    }
  }
  const l = (n - 1) * 3;
  let c = score[l] >= score[l + 1] ? (score[l] >= score[l + 2] ? 0 : 2) : score[l + 1] >= score[l + 2] ? 1 : 2;
  for (let i = n - 1; i >= 0; i--) {
    tags[i] = c;
    c = back[i * 3 + c];
  }
  return tags;
}

/** Word-index spans [first, last] of a BIO tag sequence (0 O, 1 B, 2 I); an I after O opens a span. */
export function bioSpans(tags: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  let open = -1;
  for (let i = 0; i < tags.length; i++) {
    const t = tags[i];
    if (t === 1 || (t === 2 && open < 0)) {
      if (open >= 0) out.push([open, i - 1]);
      open = i;
    } else if (t === 0 && open >= 0) {
      out.push([open, i - 1]);
      open = -1;
    }
  }
  if (open >= 0) out.push([open, tags.length - 1]);
  return out;
}

/**
 * Skill and knowledge spans of one text: `tokenStates` holds one state per entry of `tokens` (word
 * units with character offsets into the text, as src/runtime/tokenStates.ts returns them), `dims`
 * values each. Returns character spans in the text, in order, each with its head's type and score.
 */
export function tagSpans(tagger: SpanTagger, tokenStates: Float32Array, tokens: readonly CharSpan[], dims: number, opts: TagOptions = {}): TaggedCharSpan[] {
  if (dims !== tagger.dims) throw new Error(`span tagger reads ${tagger.dims}-dimensional states, got ${dims}`);
  const n = tokens.length;
  if (tokenStates.length < n * dims) throw new Error(`span tagger: ${tokenStates.length / dims} states for ${n} tokens`);
  const out: TaggedCharSpan[] = [];
  for (const head of tagger.heads) {
    const logp = headLogProbs(tagger, head, tokenStates, n, opts.oBias ?? 0);
    const tags = viterbiBio(logp, n, head.transitions, head.start);
    for (const [a, b] of bioSpans(tags)) {
      let s = 0;
      for (let i = a; i <= b; i++) s += 1 - Math.exp(logp[i * 3]);
      const score = s / (b - a + 1);
      if (score < (opts.minScore ?? 0)) continue;
      out.push({ start: tokens[a].start, end: tokens[b].end, score, type: head.type });
    }
  }
  return out.sort((x, y) => x.start - y.start || y.end - x.end);
}

/** Word units and their states for each text (src/runtime/tokenStates.ts; `prefix` as the tagger was trained). */
export type WordStates = (texts: string[], opts: { prefix: string }) => Promise<{ words: CharSpan[]; states: Float32Array }[]>;

/**
 * The tagger over a whole document (ExtractionContext.tagSpans): each non-empty line is tagged on
 * its own, as the head was trained on sentences and ad lines are sentences or bullet items. Spans
 * are character offsets into `text`.
 */
export function documentTagger(tagger: SpanTagger, wordStates: WordStates, opts: TagOptions = {}): (text: string) => Promise<TaggedCharSpan[]> {
  return async (text) => {
    const lines = [...text.matchAll(/[^\n]+/g)].filter((m) => m[0].trim());
    if (!lines.length) return [];
    const states = await wordStates(
      lines.map((m) => m[0]),
      { prefix: tagger.prefix },
    );
    return lines.flatMap((m, i) => tagSpans(tagger, states[i].states, states[i].words, tagger.dims, opts).map((sp) => ({ ...sp, start: m.index! + sp.start, end: m.index! + sp.end })));
  };
}

/** A tagger file checked against the embedder that will compute its states (a tagger of another model reads meaningless states). */
export function taggerFor(json: unknown, embedder: { id: string; dims: number }): SpanTagger {
  const t = loadTagger(json);
  if (t.modelId !== embedder.id || t.dims !== embedder.dims) throw new Error(`the span tagger was trained on ${t.modelId} (${t.dims} dimensions), not ${embedder.id} (${embedder.dims})`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface SpanCounts {
  gold: number;
  predicted: number;
  correct: number;
}

export function spanF1(c: SpanCounts): { precision: number; recall: number; f1: number } {
  const precision = c.predicted ? c.correct / c.predicted : 0;
  const recall = c.gold ? c.correct / c.gold : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Exact-match counts of two span sets given as keys (e.g. `type:first:last`). */
export function countMatches(gold: Iterable<string>, predicted: Iterable<string>, into: SpanCounts): void {
  const g = new Set(gold);
  const p = new Set(predicted);
  into.gold += g.size;
  into.predicted += p.size;
  for (const k of p) if (g.has(k)) into.correct++;
}
