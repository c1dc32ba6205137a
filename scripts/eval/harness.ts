// The evaluation runner behind `npm run eval`: loads data files, models and concept matrices
// (cached, see embedCache.ts / queryCache.ts), and runs one configuration (this project's pipeline
// with given options, or the upstream baseline) on skill sentences, occupation titles and whole
// postings. Pure orchestration: the metrics live in src/core/evaluation.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Papa from 'papaparse';
import { appConfig } from '../../src/core/appConfig.ts';
import { CONCEPT_TEXT_TEMPLATE, CONCEPT_TEXT_VARIANTS } from '../../src/core/conceptText.ts';
import {
  aggregateAdMetrics,
  bandCounts,
  evaluate,
  evaluateOccupations,
  parseDecorteCsv,
  parseGenericCsv,
  parseSkillSpan,
  postingMetrics,
  type AdMetrics,
  type EvalMetrics,
  type LabelledSentence,
  type OccupationMetrics,
  type Posting,
  type PostingMetrics,
  type RankedPrediction,
  type ReliabilityBand,
  type ShownSkillEvidence,
} from '../../src/core/evaluation.ts';
import { buildLexicalIndex, type LexicalIndex } from '../../src/core/lexical.ts';
import { findPreset, queryEmbedder, BGE_QUERY_INSTRUCTION, type Dtype, type Embedder } from '../../src/core/models.ts';
import { extract, type Candidate, type ExtractionContext, type ExtractOptions } from '../../src/core/pipeline.ts';
import type { ConceptKind, Taxonomy } from '../../src/core/taxonomy.ts';
import { applyThresholds, settingsScore, thresholdContext, type ThresholdSettings } from '../../src/core/thresholds.ts';
import { documentTagger, taggerFor } from '../../src/core/spanTagger.ts';
import { upstreamExtract, UPSTREAM_THRESHOLDS } from '../../src/core/upstream.ts';
import { loadTokenStateModel } from '../../src/runtime/tokenStates.ts';
import { quantizeMatrix, type ConceptMatrix } from '../../src/core/vectors.ts';
import { ROOT } from '../build-taxonomy.ts';
import { EMBEDDINGS_DIR, loadShippedAsset } from '../precompute.ts';
import { titleModelOf } from '../../src/core/titleModel.ts';
import { labelMatching } from '../extract/context.ts';
import { conceptVectors, loadPresetEmbedder } from './embedCache.ts';
import { CachingEmbedder } from './queryCache.ts';

export const SHARED = join(ROOT, '..', 'shared');
export const DECORTE_DIR = join(SHARED, 'eval', 'decorte');
export const MELO_DIR = join(SHARED, 'eval', 'melo');
export const SKILLSPAN_DEV = join(SHARED, 'eval', 'skillspan', 'dev.json');
export const SKILLS_CSV = join(SHARED, 'esco', 'v1.1.1', 'en', 'skills_en.csv');

export type System = 'pipeline' | 'upstream' | 'upstream-ranked';

/** One configuration to evaluate. Everything not given is the app's own (src/core/appConfig.ts). */
export interface EvalConfig {
  name: string;
  system: System;
  /** 'none': lexical matching only. */
  presetId: string;
  /** Concept-text variant for the pipeline (CONCEPT_TEXT_VARIANTS); absent: the app's. Upstream always uses 'desc'. */
  concepts?: string;
  /** Concept-text variant for occupations; absent: the same as `concepts` when that is given, else the app's. */
  occupationConcepts?: string;
  queryDtype?: Dtype;
  queryInstruction?: boolean;
  extract?: Partial<ExtractOptions>;
  settings?: Partial<ThresholdSettings>;
  /**
   * Tagged skill/knowledge spans as queries of their own (ExtractionContext.tagSpans; the preset's
   * trained tagger). Default: on where the preset has one, as in the app (public/taggers/).
   */
  spans?: boolean;
}

export function uriByPreferredLabel(skillsCsv: string): Map<string, string> {
  const rows = Papa.parse<Record<string, string>>(readFileSync(skillsCsv, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' }).data;
  const map = new Map<string, string>();
  for (const r of rows) {
    if (!r.preferredLabel || !r.conceptUri) continue;
    map.set(r.preferredLabel.trim(), r.conceptUri.trim());
    if (!map.has(r.preferredLabel.trim().toLowerCase())) map.set(r.preferredLabel.trim().toLowerCase(), r.conceptUri.trim());
  }
  return map;
}

export interface DataFile {
  name: string;
  items: LabelledSentence[];
  unmapped: string[];
}

export function loadDecorte(files: string[], skillsCsv = SKILLS_CSV): DataFile[] {
  const labels = uriByPreferredLabel(skillsCsv);
  return files.map((f) => {
    const p = parseDecorteCsv(readFileSync(f, 'utf8'), f, labels);
    return { name: basename(f), items: p.sentences, unmapped: p.unmappedLabels };
  });
}

export function loadGeneric(file: string): DataFile {
  const p = parseGenericCsv(readFileSync(file, 'utf8'), file);
  return { name: basename(file), items: p.sentences, unmapped: [] };
}

export function loadPostings(file = SKILLSPAN_DEV): Posting[] {
  return parseSkillSpan(readFileSync(file, 'utf8'));
}

/** Models, matrices and lexical index, loaded once per process and shared by every configuration. */
/** The tagger file of a preset (written by npm run train:tagger and prepare-assets). */
function taggerFile(presetId: string): string {
  return join(ROOT, '.generated', 'taggers', presetId, 'tagger.json');
}

export class EvalEnv {
  private readonly embedders = new Map<string, CachingEmbedder>();
  private readonly matrices = new Map<string, { matrices: Record<ConceptKind, ConceptMatrix>; owners: Partial<Record<ConceptKind, Int32Array>> }>();
  private readonly raw = new Map<string, Embedder>();
  readonly lexical: LexicalIndex;

  constructor(readonly taxonomy: Taxonomy, private readonly log: (l: string) => void = (l) => console.error(l)) {
    this.lexical = buildLexicalIndex(taxonomy);
  }

  async rawEmbedder(presetId: string, dtype: Dtype): Promise<Embedder> {
    const key = `${presetId}:${dtype}`;
    let e = this.raw.get(key);
    if (!e) {
      e = await loadPresetEmbedder(presetId, dtype);
      this.raw.set(key, e);
    }
    return e;
  }

  /** The query embedder: cached by text; with bge's query instruction when asked. */
  async queryEmbedder(presetId: string, dtype: Dtype, instruction: boolean): Promise<Embedder> {
    const key = `${presetId}:${dtype}:${instruction ? 'instr' : 'plain'}`;
    let e = this.embedders.get(key);
    if (!e) {
      const inner = await this.rawEmbedder(presetId, dtype);
      const spec = findPreset(presetId).embedder;
      const prefix = instruction ? (spec.queryInstruction ?? BGE_QUERY_INSTRUCTION) : undefined;
      e = new CachingEmbedder(queryEmbedder(inner, { queryInstruction: prefix }), CachingEmbedder.fileFor(`${spec.id}-${dtype}-${prefix ? 'instr' : 'plain'}`));
      this.embedders.set(key, e);
    }
    return e;
  }

  /** int8 concept matrices (the shipped storage) for a preset and concept variant; concepts in fp32 (as Node precomputes them). */
  async conceptMatrices(presetId: string, variantId: string, occupationVariantId = variantId) {
    const key = `${presetId}:${variantId}:${occupationVariantId}`;
    let m = this.matrices.get(key);
    if (!m) {
      const spec = findPreset(presetId).embedder;
      const matrices = {} as Record<ConceptKind, ConceptMatrix>;
      const owners: Partial<Record<ConceptKind, Int32Array>> = {};
      for (const kind of ['skill', 'occupation'] as const) {
        const id = kind === 'skill' ? variantId : occupationVariantId;
        // A precomputed asset (public/embeddings) made with this text for this kind: what the app loads.
        const shipped = await this.shippedMatrix(presetId, id, kind);
        if (shipped) {
          matrices[kind] = shipped;
          continue;
        }
        const variant = CONCEPT_TEXT_VARIANTS[id];
        if (!variant) throw new Error(`unknown concept variant "${id}" (known: ${Object.keys(CONCEPT_TEXT_VARIANTS).join(', ')})`);
        const v = await conceptVectors(spec, spec.dtype.node, variant, this.taxonomy, kind, () => this.rawEmbedder(presetId, spec.dtype.node), this.log);
        matrices[kind] = quantizeMatrix(v.values, v.rows, v.dims, 'int8');
        if (v.rows !== v.concepts) owners[kind] = v.owner;
      }
      m = { matrices, owners };
      this.matrices.set(key, m);
    }
    return m;
  }

  /**
   * The matrix of a precomputed asset whose template wrote this kind with `variantId` (the current
   * template, or v1 = 'label-alt-desc' for both kinds), for this model and taxonomy.
   */
  private async shippedMatrix(presetId: string, variantId: string, kind: ConceptKind): Promise<ConceptMatrix | undefined> {
    if (!existsSync(EMBEDDINGS_DIR)) return undefined;
    const spec = findPreset(presetId).embedder;
    for (const hash of readdirSync(EMBEDDINGS_DIR)) {
      const file = join(EMBEDDINGS_DIR, hash, 'manifest.json');
      if (!existsSync(file)) continue;
      const inputs = (JSON.parse(readFileSync(file, 'utf8')) as { inputs?: { modelId?: string; textTemplate?: { id: string; version: number }; taxonomy?: { contentHash?: string } } }).inputs;
      if (inputs?.modelId !== spec.id || inputs.taxonomy?.contentHash !== this.taxonomy.contentHash || !inputs.textTemplate) continue;
      const t = inputs.textTemplate;
      const current = t.id === CONCEPT_TEXT_TEMPLATE.id && t.version === CONCEPT_TEXT_TEMPLATE.version ? CONCEPT_TEXT_TEMPLATE[kind] : undefined;
      const v1 = t.id === 'label-alt-desc' && t.version === 1 ? 'label-alt-desc' : undefined;
      if ((current ?? v1) !== variantId) continue;
      const asset = await loadShippedAsset(join(EMBEDDINGS_DIR, hash), { skill: this.taxonomy.skills.length, occupation: this.taxonomy.occupations.length });
      return asset.matrices[kind];
    }
    return undefined;
  }

  private readonly taggers = new Map<string, Promise<(text: string) => Promise<{ start: number; end: number }[]>>>();

  /** The preset's span tagger over its word states, line by line (it was trained on sentences). */
  spanTagger(presetId: string): Promise<(text: string) => Promise<{ start: number; end: number }[]>> {
    let t = this.taggers.get(presetId);
    if (!t) {
      t = (async () => {
        const spec = findPreset(presetId).embedder;
        const file = taggerFile(presetId);
        if (!existsSync(file)) throw new Error(`no span tagger for ${presetId}: run "npm run train:tagger -- --model ${presetId}"`);
        const tagger = taggerFor(readFileSync(file, 'utf8'), spec);
        const local = join(ROOT, '.generated', 'models');
        const model = await loadTokenStateModel(spec, { backend: 'node', dtype: spec.dtype.node, localModelPath: local });
        return documentTagger(tagger, (texts, o) => model.states(texts, o));
      })();
      this.taggers.set(presetId, t);
    }
    return t;
  }

  saveCaches(): void {
    for (const e of this.embedders.values()) e.save();
  }

  /** Runs one configuration over a text; candidates of every kind. */
  async candidates(config: EvalConfig, text: string, extra: Partial<ExtractOptions> = {}): Promise<Candidate[]> {
    if (config.presetId === 'none') {
      return (await extract(text, { taxonomy: this.taxonomy, lexical: this.lexical }, { ...config.extract, ...extra })).candidates;
    }
    const spec = findPreset(config.presetId).embedder;
    const embedder = await this.queryEmbedder(config.presetId, config.queryDtype ?? spec.dtype.node, config.queryInstruction ?? Boolean(spec.queryInstruction));
    if (config.system !== 'pipeline') {
      const { matrices } = await this.conceptMatrices(config.presetId, 'desc');
      return (await upstreamExtract(text, embedder, matrices, { rankK: config.system === 'upstream' ? 1 : 10 })).candidates;
    }
    const app = appConfig(config.presetId);
    const { matrices, owners } = await this.conceptMatrices(config.presetId, config.concepts ?? app.conceptText.skill, config.occupationConcepts ?? config.concepts ?? app.conceptText.occupation);
    const spans = config.spans ?? existsSync(taggerFile(config.presetId));
    // The text's language as the app reads it: its label mentions (that language's and English) and its title's occupation.
    // (the model ranks the title where no label names it: titleModelOf wants one matrix row per occupation)
    const titleModel = owners.occupation ? undefined : titleModelOf(config.presetId, embedder, matrices.occupation);
    const language = await labelMatching().forText(text, titleModel ? { titleModel } : {});
    const ctx: ExtractionContext = {
      taxonomy: this.taxonomy,
      lexical: this.lexical,
      matrices,
      embedder,
      rowOwners: owners,
      ...(spans ? { tagSpans: await this.spanTagger(config.presetId) } : {}),
      ...(language.mentions ? { mentions: language.mentions } : {}),
      ...(language.titleOccupation ? { titleOccupation: language.titleOccupation } : {}),
      labelWords: language.labelWords,
    };
    return (await extract(text, ctx, { ...config.extract, ...extra })).candidates;
  }

  settingsFor(config: EvalConfig): ThresholdSettings {
    const base = appConfig(config.presetId).thresholds;
    if (config.system !== 'pipeline') {
      return { ...base, skillThreshold: UPSTREAM_THRESHOLDS.skill, occupationThreshold: UPSTREAM_THRESHOLDS.occupation, scoreBasis: 'retrieval', fusion: 'max', occupationBodyDiscount: 0, maxSkills: Infinity, maxOccupations: Infinity, includeIscoGroups: true };
    }
    return { ...base, ...config.settings };
  }

  private ranked(cands: Candidate[], kind: ConceptKind, settings: ThresholdSettings): RankedPrediction[] {
    const concepts = kind === 'skill' ? this.taxonomy.skills : this.taxonomy.occupations;
    return cands
      .filter((c) => c.kind === kind)
      .map((c) => ({ uri: concepts[c.index].uri, score: settingsScore(c, settings) }))
      .sort((a, b) => b.score - a.score);
  }

  async skillPredictions(config: EvalConfig, items: LabelledSentence[]): Promise<RankedPrediction[][]> {
    const settings = this.settingsFor(config);
    const out: RankedPrediction[][] = [];
    for (const s of items) out.push(this.ranked(await this.candidates(config, s.text, { documentTopK: 0 }), 'skill', settings));
    return out;
  }

  async evalSkills(config: EvalConfig, items: LabelledSentence[], threshold?: number): Promise<EvalMetrics> {
    const settings = this.settingsFor(config);
    return evaluate(items, await this.skillPredictions(config, items), threshold ?? settings.skillThreshold, settings.maxSkills);
  }

  async occupationPredictions(config: EvalConfig, items: LabelledSentence[]): Promise<RankedPrediction[][]> {
    const settings = this.settingsFor(config);
    const out: RankedPrediction[][] = [];
    for (const s of items) out.push(this.ranked(await this.candidates(config, s.text), 'occupation', settings));
    return out;
  }

  async evalOccupations(config: EvalConfig, items: LabelledSentence[]): Promise<{ m: OccupationMetrics; f1: EvalMetrics }> {
    const settings = this.settingsFor(config);
    const preds = await this.occupationPredictions(config, items);
    return { m: evaluateOccupations(items, preds, settings.occupationThreshold), f1: evaluate(items, preds, settings.occupationThreshold, settings.maxOccupations) };
  }

  /** Whole postings: the skills shown at the configuration's default threshold and their evidence. */
  async evalAds(config: EvalConfig, postings: Posting[]): Promise<{ m: AdMetrics; per: PostingMetrics[]; shown: ShownSkillEvidence[][]; candidates: Candidate[][]; ms: number }> {
    const settings = this.settingsFor(config);
    const per: PostingMetrics[] = [];
    const shownAll: ShownSkillEvidence[][] = [];
    const candidates: Candidate[][] = [];
    const t0 = performance.now();
    for (const p of postings) {
      const cands = await this.candidates(config, p.text);
      const ev = this.shownEntries(cands, settings);
      candidates.push(cands);
      shownAll.push(ev);
      per.push(postingMetrics(p, ev));
    }
    return { m: aggregateAdMetrics(per), per, shown: shownAll, candidates, ms: performance.now() - t0 };
  }

  /**
   * Reliability of whole-posting results by score band: the entries shown down to `floor` (under the
   * default cut too, to compare), and how many of each band have evidence on a tagged span.
   * `candidates`: each posting's, as evalAds returned them for this configuration.
   */
  adReliability(config: EvalConfig, postings: Posting[], candidates: readonly Candidate[][], floor: number, edges: number[]): ReliabilityBand[] {
    const settings = { ...this.settingsFor(config), skillThreshold: floor, maxSkills: Infinity };
    const scored: { score: number; right: boolean }[] = [];
    postings.forEach((p, i) => {
      for (const e of this.shownEntries(candidates[i], settings)) {
        scored.push({ score: e.score, right: e.spans.some((x) => p.spans.some((t) => x.start < t.end && t.start < x.end)) });
      }
    });
    return bandCounts(scored, floor, edges);
  }

  /** The shown skill entries of a text's candidates, each with the spans that made it shown, its folded variants' included. */
  private shownEntries(candidates: readonly Candidate[], settings: ThresholdSettings): (ShownSkillEvidence & { score: number })[] {
    const shown = applyThresholds(candidates, settings, thresholdContext(this.taxonomy)).skills;
    // The spans that made a skill shown: label mentions, and segments whose own cosine clears the cut.
    const spansOf = (c: Candidate) => {
      const strong = c.evidence.filter((e) => (e.signal === 'lexical' && !e.weak) || (e.signal === 'embedding' && e.score >= settings.skillThreshold));
      return (strong.length ? strong : c.evidence).map((e) => ({ start: e.start, end: e.end }));
    };
    // One shown entry is one result, its folded variants (near-duplicates, listed with it) included.
    return shown.map(({ candidate: c, variants, score }) => ({
      uri: this.taxonomy.skills[c.index].uri,
      score,
      spans: [c, ...(variants ?? []).map((v) => v.candidate)].flatMap(spansOf),
    }));
  }
}

export function defaultDecorteFiles(): string[] {
  return existsSync(DECORTE_DIR) ? ['tech_validation_annotations.csv', 'house_validation_annotations.csv'].map((f) => join(DECORTE_DIR, f)).filter(existsSync) : [];
}

export function defaultMeloFiles(english: boolean): string[] {
  const names = english ? ['usa_en.dev.csv'] : ['usa_en.dev.csv', 'aut_de.csv', 'bel_fr.csv', 'bel_nl.csv'];
  return names.map((f) => join(MELO_DIR, f)).filter(existsSync);
}
