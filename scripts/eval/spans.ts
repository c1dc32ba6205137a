// Span detection data and measurement for the span tagger (src/core/spanTagger.ts, trained by
// scripts/train-tagger.ts): SkillSpan (JSON lines) and Kompetencer (CoNLL) sentences, their word
// labels, token states from the embedder (cached under .generated/taggers/cache/), and exact-match
// span-F1 per source. `npm run eval -- --kind spans [--model bge-small-en]` prints the tables.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Papa from 'papaparse';
import { appConfig } from '../../src/core/appConfig.ts';
import { findPreset, type Dtype } from '../../src/core/models.ts';
import { bioSpans, countMatches, loadTagger, spanF1, splitWords, tagSpans, type CharSpan, type SpanCounts, type SpanTagger } from '../../src/core/spanTagger.ts';
import { configureTransformers } from '../../src/runtime/transformersModels.ts';
import { loadTokenStateModel, type TokenStateModel } from '../../src/runtime/tokenStates.ts';
import { scoreAll } from '../../src/core/vectors.ts';
import { parseSkillSpan, type Posting } from '../../src/core/evaluation.ts';
import { ROOT } from '../build-taxonomy.ts';
import { DECORTE_DIR, SKILLS_CSV, uriByPreferredLabel, type EvalEnv } from './harness.ts';

export const SKILLSPAN_DIR = join(ROOT, '..', 'shared', 'eval', 'skillspan');
export const SKILLSPAN_TRAIN = join(SKILLSPAN_DIR, 'train.json');
export const SKILLSPAN_DEV_FILE = join(SKILLSPAN_DIR, 'dev.json');
export const KOMPETENCER_DA = join(ROOT, '..', 'shared', 'eval', 'kompetencer', 'kompetencer_danish_train.conll');
export const TAGGERS_DIR = join(ROOT, '.generated', 'taggers');
export const MODELS_DIR = join(ROOT, '.generated', 'models');
/** Changes whenever the text building or tokenisation changes (invalidates cached states). */
export const STATES_VERSION = 1;

/** One labelled sentence: tokens as annotated, BIO per layer (0 O, 1 B, 2 I). */
export interface SpanSentence {
  source: string;
  idx: number;
  tokens: string[];
  skill: Uint8Array;
  knowledge: Uint8Array;
}

const TAG: Record<string, number> = { O: 0, B: 1, I: 2 };
function tagCode(t: string | undefined): number {
  return TAG[(t ?? 'O').trim().charAt(0)] ?? 0;
}

export function parseSkillSpanSentences(jsonl: string): SpanSentence[] {
  const out: SpanSentence[] = [];
  for (const raw of jsonl.split('\n')) {
    if (!raw.trim()) continue;
    const l = JSON.parse(raw) as { idx: number; source: string; tokens: string[]; tags_skill: string[]; tags_knowledge: string[] };
    out.push({ source: l.source, idx: l.idx, tokens: l.tokens, skill: Uint8Array.from(l.tokens, (_, i) => tagCode(l.tags_skill[i])), knowledge: Uint8Array.from(l.tokens, (_, i) => tagCode(l.tags_knowledge[i])) });
  }
  return out;
}

const BIO_FIELD = /^[BIO](-\S*)?$/;

/**
 * CoNLL with `token<TAB>skill<TAB>knowledge` lines, sentences separated by a line of tabs (or an empty
 * one). Lenient: a line whose fields are not where they should be keeps its token (the first field
 * that is not a tag and has a letter or digit, else the first non-empty one) and reads missing tags as O.
 */
export function parseConllSentences(text: string, source = 'da'): { sentences: SpanSentence[]; repaired: number } {
  const sentences: SpanSentence[] = [];
  let tokens: string[] = [];
  let skill: number[] = [];
  let knowledge: number[] = [];
  let repaired = 0;
  const flush = () => {
    if (tokens.length) sentences.push({ source, idx: sentences.length + 1, tokens, skill: Uint8Array.from(skill), knowledge: Uint8Array.from(knowledge) });
    tokens = [];
    skill = [];
    knowledge = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (!line.replace(/\t/g, '').trim()) {
      flush();
      continue;
    }
    const f = line.split('\t');
    if (f.length === 3 && f[0].trim() && BIO_FIELD.test(f[1].trim()) && BIO_FIELD.test(f[2].trim())) {
      tokens.push(f[0].trim());
      skill.push(tagCode(f[1]));
      knowledge.push(tagCode(f[2]));
      continue;
    }
    repaired++;
    const tags = f.filter((x) => BIO_FIELD.test(x.trim()));
    const words = f.map((x) => x.replace(/\p{Cc}/gu, '').trim()).filter((x) => x && !BIO_FIELD.test(x));
    const token = words.find((w) => /[\p{L}\p{N}]/u.test(w)) ?? words[0];
    if (!token) continue;
    tokens.push(token);
    skill.push(tagCode(tags[0]));
    knowledge.push(tagCode(tags[1]));
  }
  flush();
  return { sentences, repaired };
}

/**
 * CoNLL sentences (Kompetencer) as whole-posting stand-ins for `--kind ads`: the file keeps no posting
 * boundaries, so every `perPosting` consecutive sentences make one document (one sentence a line, as
 * SkillSpan postings are rebuilt), which gives the pipeline paragraphs rather than lone sentences.
 */
export function conllPostings(text: string, perPosting = 10): Posting[] {
  const name = (codes: Uint8Array) => Array.from(codes, (c) => 'OBI'.charAt(c));
  const lines = parseConllSentences(text).sentences.map((s, i) =>
    JSON.stringify({ idx: Math.floor(i / perPosting), source: s.source, tokens: s.tokens, tags_skill: name(s.skill), tags_knowledge: name(s.knowledge) }),
  );
  return parseSkillSpan(lines.join('\n'));
}

export function loadSkillSpanFile(file: string): SpanSentence[] {
  return parseSkillSpanSentences(readFileSync(file, 'utf8'));
}

const NO_SPACE_BEFORE = /^[,.;:!?)\]}%]+$/;
const NO_SPACE_AFTER = /^[([{]$/;

/**
 * The sentence as running text (the annotated tokens with their spaces restored: none before closing
 * punctuation, none after an opening bracket) and each token's character span in it.
 */
export function sentenceText(tokens: readonly string[]): { text: string; spans: CharSpan[] } {
  let text = '';
  const spans: CharSpan[] = [];
  tokens.forEach((tok, i) => {
    if (i > 0 && !NO_SPACE_BEFORE.test(tok) && !NO_SPACE_AFTER.test(tokens[i - 1])) text += ' ';
    spans.push({ start: text.length, end: text.length + tok.length });
    text += tok;
  });
  return { text, spans };
}

/** The annotated token each word of `words` lies in (-1: none). */
export function wordTokenIndex(words: readonly CharSpan[], tokenSpans: readonly CharSpan[]): Int32Array {
  const out = new Int32Array(words.length).fill(-1);
  let t = 0;
  words.forEach((w, i) => {
    while (t < tokenSpans.length && tokenSpans[t].end <= w.start) t++;
    if (t < tokenSpans.length && tokenSpans[t].start <= w.start) out[i] = t;
  });
  return out;
}

/** Word-level BIO of one layer: a token's first word takes its tag, its later words I (inside a span) or O. */
export function wordTags(tokenTags: Uint8Array, wordToken: Int32Array): Uint8Array {
  const out = new Uint8Array(wordToken.length);
  for (let i = 0; i < wordToken.length; i++) {
    const t = wordToken[i];
    if (t < 0) continue;
    const first = i === 0 || wordToken[i - 1] !== t;
    out[i] = first ? tokenTags[t] : tokenTags[t] === 0 ? 0 : 2;
  }
  return out;
}

/** Sentences prepared for the tagger: text, words and word labels per layer. */
export interface PreparedSentence {
  s: SpanSentence;
  text: string;
  tokenSpans: CharSpan[];
  words: CharSpan[];
  wordToken: Int32Array;
  skill: Uint8Array;
  knowledge: Uint8Array;
}

export function prepare(sentences: SpanSentence[]): PreparedSentence[] {
  return sentences.map((s) => {
    const { text, spans } = sentenceText(s.tokens);
    const words = splitWords(text);
    const wordToken = wordTokenIndex(words, spans);
    return { s, text, tokenSpans: spans, words, wordToken, skill: wordTags(s.skill, wordToken), knowledge: wordTags(s.knowledge, wordToken) };
  });
}

// ---------------------------------------------------------------------------------------------
// Token states (cached)

/** Word states of many sentences in one matrix; `offset[i]` is sentence i's first row. */
export interface StateMatrix {
  values: Float32Array;
  dims: number;
  offset: Int32Array;
}

export async function loadStateModel(presetId: string, dtype: Dtype): Promise<TokenStateModel> {
  const spec = findPreset(presetId).embedder;
  const local = resolve(MODELS_DIR);
  if (!existsSync(join(local, spec.id, 'tokenizer.json'))) throw new Error(`${spec.id}: not provisioned under ${local} (npm run models:fetch -- ${presetId})`);
  configureTransformers({ localModelPath: local });
  return loadTokenStateModel(spec, { backend: 'node', dtype, localModelPath: local });
}

/** Word states of prepared sentences, from the cache or computed (and cached). */
export async function sentenceStates(
  presetId: string,
  dtype: Dtype,
  prepared: PreparedSentence[],
  prefix: string,
  getModel: () => Promise<TokenStateModel>,
  log: (l: string) => void = (l) => console.error(l),
): Promise<{ states: StateMatrix; cached: boolean; ms: number; cpuS: number }> {
  const spec = findPreset(presetId).embedder;
  const offset = new Int32Array(prepared.length + 1);
  prepared.forEach((p, i) => (offset[i + 1] = offset[i] + p.words.length));
  const h = createHash('sha256');
  h.update(`${STATES_VERSION}\n${spec.id}\n${spec.weightsRevision ?? spec.revision}\n${dtype}\n${prefix}\n`);
  for (const p of prepared) h.update(`${p.text}\n`);
  const key = h.digest('hex').slice(0, 20);
  const dir = join(TAGGERS_DIR, 'cache');
  const file = join(dir, `${spec.id.replace(/[^A-Za-z0-9._-]+/g, '_')}__${dtype}__${key}.f32`);
  const dims = spec.dims;
  if (existsSync(file)) {
    const b = readFileSync(file);
    const values = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    if (values.length === offset[prepared.length] * dims) return { states: { values, dims, offset }, cached: true, ms: 0, cpuS: 0 };
  }
  const model = await getModel();
  const values = new Float32Array(offset[prepared.length] * dims);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const step = 256;
  for (let i = 0; i < prepared.length; i += step) {
    const part = prepared.slice(i, i + step);
    const res = await model.states(part.map((p) => p.text), { prefix });
    res.forEach((r, k) => {
      if (r.words.length !== part[k].words.length) throw new Error(`words differ for "${part[k].text}"`);
      values.set(r.states, offset[i + k] * dims);
    });
    if ((i / step) % 4 === 3 || i + step >= prepared.length) log(`  states ${spec.id} ${dtype}: ${Math.min(i + step, prepared.length)}/${prepared.length} sentences (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.tmp`, Buffer.from(values.buffer));
  renameSync(`${file}.tmp`, file);
  return { states: { values, dims, offset }, cached: false, ms, cpuS: (cpu.user + cpu.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface SpanRow {
  name: string;
  sentences: number;
  skill: SpanCounts;
  knowledge: SpanCounts;
  /** Both layers as typed spans (type:first:last), one pool. */
  combined: SpanCounts;
  /** Both layers' spans untyped (first:last), deduplicated: what the pipeline consumes. */
  untyped: SpanCounts;
}

function emptyCounts(): SpanCounts {
  return { gold: 0, predicted: 0, correct: 0 };
}

/** Token-index spans of an annotated layer. */
function goldKeys(tags: Uint8Array, type: string): string[] {
  return bioSpans(tags).map(([a, b]) => `${type}:${a}:${b}`);
}

/**
 * Tags each sentence and counts exact matches against the annotation, per source and overall.
 * Predicted character spans are read back as annotated-token spans (the tokens holding the span's first
 * and last character). A merged head (`skill/knowledge`) is scored untyped only.
 */
export function measureSpans(tagger: SpanTagger, prepared: PreparedSentence[], states: StateMatrix, opts: { oBias?: number } = {}): SpanRow[] {
  const rows = new Map<string, SpanRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { name, sentences: 0, skill: emptyCounts(), knowledge: emptyCounts(), combined: emptyCounts(), untyped: emptyCounts() }));
    return r;
  };
  const typed = tagger.heads.some((h) => h.type !== 'skill/knowledge');
  prepared.forEach((p, i) => {
    const n = p.words.length;
    const st = states.values.subarray(states.offset[i] * states.dims, states.offset[i + 1] * states.dims);
    const spans = n ? tagSpans(tagger, st, p.words, states.dims, { oBias: opts.oBias }) : [];
    const tokenOf = (ch: number) => {
      for (let t = 0; t < p.tokenSpans.length; t++) if (p.tokenSpans[t].end > ch) return t;
      return p.tokenSpans.length - 1;
    };
    const pred = spans.map((s) => ({ type: s.type, a: tokenOf(s.start), b: tokenOf(s.end - 1) }));
    const gSkill = goldKeys(p.s.skill, 'skill');
    const gKnow = goldKeys(p.s.knowledge, 'knowledge');
    const pSkill = pred.filter((x) => x.type === 'skill').map((x) => `skill:${x.a}:${x.b}`);
    const pKnow = pred.filter((x) => x.type === 'knowledge').map((x) => `knowledge:${x.a}:${x.b}`);
    const untypedGold = [...gSkill, ...gKnow].map((k) => k.slice(k.indexOf(':') + 1));
    const untypedPred = pred.map((x) => `${x.a}:${x.b}`);
    for (const r of [row(p.s.source), row('all')]) {
      r.sentences++;
      if (typed) {
        countMatches(gSkill, pSkill, r.skill);
        countMatches(gKnow, pKnow, r.knowledge);
        countMatches([...gSkill, ...gKnow], [...pSkill, ...pKnow], r.combined);
      }
      countMatches(untypedGold, untypedPred, r.untyped);
    }
  });
  return [...rows.values()].sort((a, b) => (a.name === 'all' ? 1 : b.name === 'all' ? -1 : a.name.localeCompare(b.name)));
}

const f = (c: SpanCounts) => {
  const m = spanF1(c);
  return `${(m.f1 * 100).toFixed(1)} (${(m.precision * 100).toFixed(1)}/${(m.recall * 100).toFixed(1)})`;
};

export function formatSpanTable(rows: (SpanRow & { label?: string })[]): string {
  const head = '| data | sentences | skill F1 (P/R) | knowledge F1 (P/R) | combined typed F1 (P/R) | untyped F1 (P/R) | gold spans |';
  const sep = '|---|---:|---|---|---|---|---:|';
  return [
    head,
    sep,
    ...rows.map((r) => {
      const typed = r.skill.predicted + r.knowledge.predicted > 0 || r.combined.gold > 0;
      return `| ${r.label ?? r.name} | ${r.sentences} | ${typed ? f(r.skill) : '–'} | ${typed ? f(r.knowledge) : '–'} | ${typed ? f(r.combined) : '–'} | ${f(r.untyped)} | ${r.untyped.gold} |`;
    }),
  ].join('\n');
}

export function taggerFile(presetId: string): string {
  return join(TAGGERS_DIR, presetId, 'tagger.json');
}

export function readTagger(presetId: string): SpanTagger {
  const file = taggerFile(presetId);
  if (!existsSync(file)) throw new Error(`${file}: no tagger for ${presetId} (npm run train:tagger -- --model ${presetId})`);
  return loadTagger(readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// `npm run eval -- --kind spans`

export interface SpansEvalOptions {
  /** Token states dtype (default: the preset's Node dtype). */
  dtype?: Dtype;
  /** SkillSpan-format file to measure on (default dev.json). */
  data?: string;
  limit?: number;
  /** Run the Decorte gold-mention linking experiment (default true). */
  linking?: boolean;
  log?: (l: string) => void;
}

/** Span-F1 tables (SkillSpan dev per source, Kompetencer Danish), inference cost, and gold-mention linking. */
export async function spansSection(env: EvalEnv, presetIds: string[], o: SpansEvalOptions = {}): Promise<string> {
  const log = o.log ?? ((l: string) => console.error(l));
  const out: string[] = [];
  const devFile = o.data ?? SKILLSPAN_DEV_FILE;
  const dev = prepare(loadSkillSpanFile(devFile).slice(0, o.limit ?? Infinity));
  const da = existsSync(KOMPETENCER_DA) ? parseConllSentences(readFileSync(KOMPETENCER_DA, 'utf8')) : null;
  const daPrepared = da ? prepare(da.sentences.slice(0, o.limit ?? Infinity)) : [];
  const spanRows: (SpanRow & { label: string })[] = [];
  const daRows: (SpanRow & { label: string })[] = [];
  const costLines: string[] = [];
  for (const presetId of presetIds) {
    const spec = findPreset(presetId).embedder;
    const dtype = o.dtype ?? spec.dtype.node;
    const tagger = readTagger(presetId);
    const manifest = JSON.parse(readFileSync(join(TAGGERS_DIR, presetId, 'manifest.json'), 'utf8')) as { heads?: string; dtype?: string; taggerBytes?: number };
    let model: TokenStateModel | undefined;
    const getModel = async () => (model ??= await loadStateModel(presetId, dtype));
    const ds = await sentenceStates(presetId, dtype, dev, tagger.prefix, getModel, log);
    for (const r of measureSpans(tagger, dev, ds.states)) spanRows.push({ ...r, label: `${presetId} (${manifest.heads ?? '?'} heads, states ${dtype}) · ${r.name}` });
    if (daPrepared.length) {
      const ks = await sentenceStates(presetId, dtype, daPrepared, tagger.prefix, getModel, log);
      for (const r of measureSpans(tagger, daPrepared, ks.states)) if (r.name === 'all') daRows.push({ ...r, label: `${presetId} · Kompetencer da (${da!.repaired} line repaired)` });
    }
    // Cost per ad of about 500 words: the dev postings' sentences, one forward pass per sentence batch.
    const m = await getModel();
    const words500: string[] = [];
    let n = 0;
    for (let i = 0; n < 500 && i < dev.length; i++) {
      words500.push(dev[i].text);
      n += dev[i].text.split(/\s+/).length;
    }
    await m.states(words500.slice(0, 8), { prefix: tagger.prefix }); // warm-up
    const t0 = performance.now();
    const res = await m.states(words500, { prefix: tagger.prefix });
    const t1 = performance.now();
    let spans = 0;
    for (const r of res) spans += tagSpans(tagger, r.states, r.words, spec.dims).length;
    const t2 = performance.now();
    costLines.push(
      `| ${presetId} | ${dtype} | ${n} | ${words500.length} | ${res.reduce((a, r) => a + r.tokens, 0)} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(1)} | ${spans} | ${((manifest.taggerBytes ?? 0) / 1024).toFixed(0)} |`,
    );
    if (o.linking !== false) out.push(await linkingSection(env, presetId, getModel, tagger.prefix, log));
    await model?.dispose();
  }
  return [
    `span detection, SkillSpan dev (${devFile.split('/').pop()}), exact match; anchor: fine-tuned XLM-R large 62.6 span-F1 on the test split`,
    formatSpanTable(spanRows),
    daRows.length ? `\ncross-language: Kompetencer Danish train split\n${formatSpanTable(daRows)}` : '',
    `\ninference cost of about 500 words (sentences of SkillSpan dev, batched; this machine)\n| preset | dtype | words | sentences | sub-tokens | forward pass ms | head + decode ms | spans | tagger KiB |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n${costLines.join('\n')}`,
    ...out,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Linking a gold mention (Decorte `span`) to ESCO: the mention alone vs in its sentence

interface Mention {
  file: string;
  sentence: string;
  span: string;
  uris: Set<string>;
}

function loadMentions(files: string[]): Mention[] {
  const labels = uriByPreferredLabel(SKILLS_CSV);
  const byKey = new Map<string, Mention>();
  for (const file of files) {
    const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' }).data;
    for (const r of rows) {
      const label = (r.label ?? '').trim();
      const span = (r.span ?? '').trim();
      if (!span || !label || label === 'LABEL NOT PRESENT' || label === 'UNDERSPECIFIED') continue;
      const uri = labels.get(label) ?? labels.get(label.toLowerCase());
      if (!uri) continue;
      const key = `${file}\u0000${r.sentence}\u0000${span}`;
      const m = byKey.get(key) ?? { file: basename(file).replace(/_validation_annotations\.csv$/, ''), sentence: r.sentence, span, uris: new Set<string>() };
      m.uris.add(uri);
      byKey.set(key, m);
    }
  }
  return [...byKey.values()];
}

function rankMetrics(scores: Float32Array, uris: readonly string[], gold: Set<string>, owners?: Int32Array): { rr: number; rp5: number } {
  // Best row per concept.
  const best = new Map<number, number>();
  for (let r = 0; r < scores.length; r++) {
    const c = owners ? owners[r] : r;
    const s = scores[r];
    if (!(best.get(c)! >= s)) best.set(c, s);
  }
  const ranked = [...best.entries()].sort((a, b) => b[1] - a[1]);
  let rr = 0;
  let hits5 = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (!gold.has(uris[ranked[i][0]])) continue;
    if (!rr) rr = 1 / (i + 1);
    if (i < 5) hits5++;
    if (i >= 5 && rr) break;
  }
  return { rr, rp5: hits5 / Math.min(5, gold.size) };
}

/**
 * Per gold mention of the Decorte validation files: ESCO skills ranked by cosine against the app's
 * concept matrix for (a) the mention text alone, (b) the whole sentence (today's query), (c) the
 * normalised sum of (a) and (b), (d) the mention's word states in the sentence's forward pass, mean-
 * pooled (no extra model call; only meaningful for mean-pooling models). MRR and RP@5 per file.
 */
export async function linkingSection(env: EvalEnv, presetId: string, getModel: () => Promise<TokenStateModel>, prefix: string, log: (l: string) => void): Promise<string> {
  const files = ['tech_validation_annotations.csv', 'house_validation_annotations.csv'].map((f) => join(DECORTE_DIR, f)).filter(existsSync);
  if (!files.length) return '';
  const mentions = loadMentions(files);
  const spec = findPreset(presetId).embedder;
  const app = appConfig(presetId);
  const { matrices, owners } = await env.conceptMatrices(presetId, app.conceptText.skill, app.conceptText.occupation);
  const matrix = matrices.skill;
  const rowOwners = owners.skill;
  const uris = env.taxonomy.skills.map((s) => s.uri);
  const embedder = await env.queryEmbedder(presetId, spec.dtype.node, Boolean(spec.queryInstruction));
  const dims = spec.dims;
  const spanVecs = await embedder.embed(mentions.map((m) => m.span));
  const sentences = [...new Set(mentions.map((m) => m.sentence))];
  const sentVecs = await embedder.embed(sentences);
  const sentIndex = new Map(sentences.map((s, i) => [s, i]));
  const model = await getModel();
  const states = await model.states(sentences, { prefix });
  log(`  linking ${presetId}: ${mentions.length} gold mentions in ${sentences.length} sentences`);
  const variants = ['mention alone', 'sentence', 'mention + sentence (sum)', 'mention states in sentence (mean)'] as const;
  const acc = new Map<string, { n: number; rr: number; rp5: number; located: number }>();
  for (const m of mentions) {
    const si = sentIndex.get(m.sentence)!;
    const a = spanVecs.subarray(mentions.indexOf(m) * dims, (mentions.indexOf(m) + 1) * dims);
    const b = sentVecs.subarray(si * dims, (si + 1) * dims);
    const sum = new Float32Array(dims);
    for (let j = 0; j < dims; j++) sum[j] = a[j] + b[j];
    // The mention's words in the sentence (first occurrence, case-insensitive).
    const st = states[si];
    const at = m.sentence.toLowerCase().indexOf(m.span.toLowerCase());
    let ctx: Float32Array | null = null;
    if (at >= 0) {
      const end = at + m.span.length;
      const inside = st.words.map((w, i) => (w.start >= at && w.end <= end ? i : -1)).filter((i) => i >= 0);
      if (inside.length) {
        ctx = new Float32Array(dims);
        for (const i of inside) for (let j = 0; j < dims; j++) ctx[j] += st.states[i * dims + j];
      }
    }
    const queries: (Float32Array | null)[] = [a, b, sum, ctx];
    queries.forEach((q, k) => {
      const key = `${m.file}\u0000${variants[k]}`;
      const e = acc.get(key) ?? { n: 0, rr: 0, rp5: 0, located: 0 };
      acc.set(key, e);
      e.n++;
      if (!q) return;
      let norm = 0;
      for (let j = 0; j < dims; j++) norm += q[j] * q[j];
      const qn = q.map((x) => x / Math.sqrt(norm || 1));
      const r = rankMetrics(scoreAll(matrix, qn, 1), uris, m.uris, rowOwners);
      e.rr += r.rr;
      e.rp5 += r.rp5;
      e.located++;
    });
  }
  const lines = [...acc.entries()].map(([key, e]) => {
    const [file, variant] = key.split('\u0000');
    return `| ${presetId} | ${file} | ${variant} | ${e.located}/${e.n} | ${((e.rr / e.n) * 100).toFixed(1)} | ${((e.rp5 / e.n) * 100).toFixed(1)} |`;
  });
  return `\nlinking gold mentions (Decorte validation \`span\` column, LABEL NOT PRESENT / UNDERSPECIFIED left out; concepts: ${app.conceptText.skill}; a mention that is not found in its sentence scores 0 in the last variant)\n| preset | file | query | mentions scored | MRR | RP@5 |\n|---|---|---|---:|---:|---:|\n${lines.join('\n')}`;
}
