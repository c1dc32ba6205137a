// The pipeline end to end on the real ESCO taxonomy with deterministic stand-in models:
// segment -> candidates -> aggregation -> thresholds, with offsets pointing at the right words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { conceptText } from './conceptText.ts';
import { buildLabelWords, labelCoverage, passageKeys } from './labelWords.ts';
import { buildLexicalIndex } from './lexical.ts';
import { DEFAULT_EXTRACT_OPTIONS, extract, extractLexical, LEXICAL_SCORE, oneWordOfLabel, PROFILE_RANK, readsOneThing, SKILL_NEIGHBOURS, TITLE_SHORTLIST_DOCUMENT_RANK, titleLineOf, titleReadingWithin, type Candidate, type ExtractionContext, type ExtractionResult } from './pipeline.ts';
import { RERANK_BAND_BELOW, VERBATIM_LEXICAL } from './rerankShortlist.ts';
import { validateTaxonomy, type ConceptKind, type Taxonomy } from './taxonomy.ts';
import { HashingEmbedder, OverlapReranker } from './testing/standIns.ts';
import { applyThresholds, defaultThresholds, MOVED_SCORE_CAP, settingsScore } from './thresholds.ts';
import { loadStemmer } from './wordKeys.ts';
import { getRow, quantizeMatrix, topK, type ConceptMatrix } from './vectors.ts';

const AD = [
  'Software Developer (m/f/d)',
  'We are looking for a software developer to join our team in Ghent.',
  'Your profile:',
  '- Experience with Java programming and SQL databases',
  '• Knowledge of Python; good communication skills',
  'Apply now!',
].join('\r\n');

let taxonomy: Taxonomy;
let ctx: ExtractionContext;
const embedder = new HashingEmbedder(128);

const label = (t: Taxonomy, c: Candidate) => (c.kind === 'skill' ? t.skills[c.index] : t.occupations[c.index]).label;
const find = (cands: Candidate[], kind: ConceptKind, name: string) => cands.find((c) => c.kind === kind && label(taxonomy, c) === name);

beforeAll(async () => {
  taxonomy = validateTaxonomy(JSON.parse(readFileSync(join(__dirname, '..', '..', 'public', 'taxonomy', 'taxonomy.json'), 'utf8')));
  const matrices = {} as Record<ConceptKind, ConceptMatrix>;
  for (const kind of ['skill', 'occupation'] as const) {
    const concepts = kind === 'skill' ? taxonomy.skills : taxonomy.occupations;
    matrices[kind] = quantizeMatrix(await embedder.embed(concepts.map(conceptText)), concepts.length, embedder.dims, 'int8');
  }
  ctx = { taxonomy, lexical: buildLexicalIndex(taxonomy), matrices, embedder };
}, 120_000);

describe('extraction pipeline', () => {
  it('finds label mentions instantly, with offsets on the mentioned words', () => {
    const r = extractLexical(AD, ctx);
    expect(r.stage).toBe('lexical');
    const sql = find(r.candidates, 'skill', 'SQL');
    expect(sql).toBeDefined();
    const span = sql!.evidence[0];
    expect(AD.slice(span.start, span.end)).toBe('SQL');
    expect(span.signal).toBe('lexical');
    expect(r.segments[span.segmentIndex].text).toContain('SQL');
    const python = find(r.candidates, 'skill', 'Python (computer programming)');
    expect(python && AD.slice(python.evidence[0].start, python.evidence[0].end)).toBe('Python');
  });

  it('segments the ad into clause-level pieces that point into the original text', () => {
    const r = extractLexical(AD, ctx);
    for (const s of r.segments) expect(AD.slice(s.start, s.end)).toBe(s.text);
    expect(r.segments.map((s) => s.text)).toContain('Software Developer (m/f/d)');
    expect(r.segments.some((s) => s.text.startsWith('Experience with Java programming'))).toBe(true);
  });

  it('adds dense candidates per segment, merges them with lexical evidence and aggregates one entry per concept', async () => {
    const r = await extract(AD, ctx);
    expect(r.stage).toBe('embedding');
    const keys = r.candidates.map((c) => `${c.kind}:${c.index}`);
    expect(new Set(keys).size).toBe(keys.length);

    // Java is mentioned by name and its segment also retrieves it: both kinds of evidence, one entry.
    const java = find(r.candidates, 'skill', 'Java (computer programming)')!;
    expect(java.signals).toEqual(expect.arrayContaining(['lexical', 'embedding']));
    const lexicalSpan = java.evidence.find((e) => e.signal === 'lexical')!;
    expect(AD.slice(lexicalSpan.start, lexicalSpan.end)).toBe('Java');
    const denseSpan = java.evidence.find((e) => e.signal === 'embedding')!;
    expect(AD.slice(denseSpan.start, denseSpan.end)).toBe('Experience with Java programming');
    expect(java.retrieval).toBeGreaterThan(0.5);
    expect(java.lexical).toBeGreaterThan(0);
  });

  it('ranks occupations for the whole document', async () => {
    const r = await extract(AD, ctx);
    const docs = r.candidates.filter((c) => c.document !== undefined).sort((a, b) => b.document! - a.document!);
    expect(docs.length).toBe(10);
    expect(docs.slice(0, 5).map((c) => label(taxonomy, c))).toContain('software developer');
  });

  it('reranks the document\'s shortlist: each concept once against its best segment, verbatim labels and the long tail skipped', async () => {
    const reranker = new OverlapReranker();
    const focus = { skill: 0.5, occupation: 0.45 };
    const r = await extract(AD, { ...ctx, reranker }, { rerankFocus: focus });
    expect(r.stage).toBe('reranked');
    const reranked = r.candidates.filter((c) => c.signals.includes('reranker'));
    expect(reranked.length).toBeGreaterThan(0);
    expect(reranker.pairs).toBe(reranked.length);
    expect(r.refinement).toEqual({ done: reranked.length, total: reranked.length });
    expect(reranked.length).toBeLessThanOrEqual(DEFAULT_EXTRACT_OPTIONS.rerankLimit);
    for (const c of reranked) {
      // Scored against the segment where retrieval found it strongest, and only inside the band.
      const dense = c.evidence.filter((e) => e.signal === 'embedding');
      const withRerank = dense.filter((e) => e.rerank !== undefined);
      expect(withRerank).toHaveLength(1);
      expect(withRerank[0].score).toBe(Math.max(...dense.map((e) => e.score)));
      expect(c.retrieval).toBeGreaterThanOrEqual(focus[c.kind] - RERANK_BAND_BELOW);
      expect(c.lexical).toBeLessThan(VERBATIM_LEXICAL);
      expect(c.rerank! > 0 && c.rerank! < 1).toBe(true);
    }
    // A label found verbatim passes without a pass: Java and SQL are mentioned and retrieved.
    const sql = find(r.candidates, 'skill', 'SQL')!;
    expect(sql.signals).toEqual(expect.arrayContaining(['lexical', 'embedding']));
    expect(sql.rerank).toBeUndefined();
    // Retrieved under the band: marked unconfirmed (0), cosine kept for the 'retrieval' basis.
    const below = r.candidates.filter((c) => c.signals.includes('embedding') && c.retrieval > 0 && c.retrieval < focus[c.kind] - RERANK_BAND_BELOW && c.lexical < VERBATIM_LEXICAL);
    expect(below.length).toBeGreaterThan(0);
    expect(below.every((c) => c.rerank === 0 && !c.signals.includes('reranker'))).toBe(true);
  });

  it('caps the shortlist, scoring the candidates nearest to the cut', async () => {
    const focus = { skill: 0.5, occupation: 0.45 };
    const full = await extract(AD, { ...ctx, reranker: new OverlapReranker() }, { rerankFocus: focus, rerankLimit: 1000 });
    const all = full.candidates.filter((c) => c.signals.includes('reranker'));
    expect(all.length).toBeGreaterThan(6);
    const reranker = new OverlapReranker();
    const capped = await extract(AD, { ...ctx, reranker }, { rerankFocus: focus, rerankLimit: 6 });
    expect(reranker.pairs).toBe(6);
    expect(capped.refinement).toEqual({ done: 6, total: 6 });
    const scored = capped.candidates.filter((c) => c.signals.includes('reranker'));
    const doubt = (c: Candidate) => Math.abs(c.retrieval - focus[c.kind]);
    const nearest = all.map(doubt).sort((a, b) => a - b).slice(0, 6);
    expect(scored.map(doubt).sort((a, b) => a - b)).toEqual(nearest);
    // Past the cap: unscored, so their cosine stands (neither a probability nor 0).
    const left = capped.candidates.filter((c) => all.some((a) => a.kind === c.kind && a.index === c.index) && !c.signals.includes('reranker'));
    expect(left).toHaveLength(all.length - 6);
    expect(left.every((c) => c.rerank === undefined)).toBe(true);
  });

  it('reports partial results batch by batch; the final equals a run without progress', async () => {
    const focus = { skill: 0.5, occupation: 0.45 };
    const partials: { result: ExtractionResult; done: number; total: number; pairsSoFar: number }[] = [];
    const reranker = new OverlapReranker();
    const r = await extract(AD, { ...ctx, reranker }, { rerankFocus: focus, rerankBatch: 3, rerankFirstBatch: 1 }, (result, done, total) => partials.push({ result, done, total, pairsSoFar: reranker.pairs }));
    const total = r.refinement!.total;
    expect(total).toBeGreaterThan(6);
    // 0 before any pair, 1 after the (smaller) first batch, then every 3.
    expect(partials.map((p) => p.done)).toEqual([0, ...Array.from({ length: Math.ceil((total - 1) / 3) }, (_, i) => 1 + i * 3)]);
    expect(partials.every((p) => p.total === total && p.done === p.pairsSoFar && p.result.refinement?.done === p.done && p.result.partial === true)).toBe(true);
    expect(r.partial).toBeUndefined();
    // The first is the embedding-stage result, before any pair was scored.
    expect(partials[0].result.stage).toBe('embedding');
    expect(partials[0].result.candidates.some((c) => c.signals.includes('reranker'))).toBe(false);
    // Monotone: what a partial scored stays scored, with the same probability, up to the final.
    const scores = (x: ExtractionResult) => new Map(x.candidates.filter((c) => c.signals.includes('reranker')).map((c) => [`${c.kind}:${c.index}`, c.rerank]));
    const steps = [...partials.map((p) => p.result), r];
    for (let i = 1; i < steps.length; i++) {
      const before = scores(steps[i - 1]);
      const after = scores(steps[i]);
      expect(after.size).toBeGreaterThan(before.size);
      for (const [k, v] of before) expect(after.get(k)).toBe(v);
    }
    expect(r.stage).toBe('reranked');
    const plain = await extract(AD, { ...ctx, reranker: new OverlapReranker() }, { rerankFocus: focus, rerankBatch: 3, rerankFirstBatch: 1 });
    const strip = (x: ExtractionResult) => ({ ...x, timings: {} });
    expect(strip(r)).toEqual(strip(plain));
  });

  it('asks for a reranker that may still be loading only after reporting the embedding-stage result', async () => {
    const focus = { skill: 0.5, occupation: 0.45 };
    const events: string[] = [];
    const onProgress = (_: ExtractionResult, done: number) => events.push(`progress ${done}`);
    const none = await extract(AD, { ...ctx, rerankerWhenReady: async () => (events.push('asked'), undefined) }, { rerankFocus: focus }, onProgress);
    expect(events).toEqual(['progress 0', 'asked']);
    const strip = (x: ExtractionResult) => ({ ...x, timings: {} });
    expect(strip(none)).toEqual(strip(await extract(AD, ctx, { rerankFocus: focus })));
    events.length = 0;
    const later = await extract(AD, { ...ctx, rerankerWhenReady: async () => (events.push('asked'), new OverlapReranker()) }, { rerankFocus: focus, rerankBatch: 100, rerankFirstBatch: 100 }, onProgress);
    expect(events).toEqual(['progress 0', 'asked']);
    expect(strip(later)).toEqual(strip(await extract(AD, { ...ctx, reranker: new OverlapReranker() }, { rerankFocus: focus, rerankBatch: 100, rerankFirstBatch: 100 })));
    expect(later.stage).toBe('reranked');
  });

  it('without a reranker, says how large the shortlist would be', async () => {
    const r = await extract(AD, ctx, { rerankFocus: { skill: 0.5, occupation: 0.45 } });
    expect(r.stage).toBe('embedding');
    expect(r.refinement!.done).toBe(0);
    expect(r.refinement!.total).toBeGreaterThan(0);
    expect(r.candidates.every((c) => c.rerank === undefined)).toBe(true);
    const off = await extract(AD, { ...ctx, reranker: new OverlapReranker() }, { rerankLimit: 0 });
    expect(off.stage).toBe('embedding');
  });

  it('feeds thresholds: the expected skills and the occupation survive the default cut', async () => {
    const r = await extract(AD, ctx);
    const shown = applyThresholds(r.candidates, { ...defaultThresholds('test'), skillThreshold: 0.5, occupationThreshold: 0.45 }, { isIscoGroup: (i) => taxonomy.occupations[i].isIscoGroup });
    const skills = shown.skills.map((s) => label(taxonomy, s.candidate));
    expect(skills).toEqual(expect.arrayContaining(['SQL', 'Java (computer programming)']));
    expect(shown.occupations.map((s) => label(taxonomy, s.candidate))).toContain('software developer');
    const strict = applyThresholds(r.candidates, { ...defaultThresholds('test'), skillThreshold: 0.99 }, { isIscoGroup: () => false });
    expect(strict.skills.length).toBeLessThan(shown.skills.length);
  });

  it('treats any string as valid input', async () => {
    const empty = await extract('', ctx);
    expect(empty.candidates).toEqual([]);
    expect(empty.segments).toEqual([]);
    const html = await extract('<script>alert(1)</script><b>SQL</b> and <i>Java</i>', ctx);
    expect(html.candidates.length).toBeGreaterThan(0);
    const junk = String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65536));
    await expect(extract(junk, ctx)).resolves.toBeDefined();
  });

  it('caps huge inputs with a visible notice', async () => {
    const big = 'Experience with SQL and Java. '.repeat(40_000);
    const r = extractLexical(big, ctx);
    expect(r.notices.length).toBeGreaterThan(0);
    expect(r.segments.length).toBeLessThanOrEqual(2000);
  });

  it('gives the domain skills the model found their fit to the whole document, centred on the retrieved skills', async () => {
    const r = await extract(AD, ctx);
    const retrieved = r.candidates.filter((c) => c.kind === 'skill' && c.retrieval > 0);
    expect(retrieved.length).toBeGreaterThan(10);
    const domain = (c: Candidate) => ['sector-specific', 'occupation-specific'].includes(taxonomy.skills[c.index].reuseLevel);
    for (const c of retrieved) expect(c.documentFit !== undefined).toBe(domain(c));
    const fits = retrieved.filter(domain).map((c) => c.documentFit!);
    // centred: some above, some below the retrieved skills' mean
    expect(Math.max(...fits)).toBeGreaterThan(0);
    expect(Math.min(...fits)).toBeLessThan(0);
    // the score moves by the weight times the fit, never past 1
    const c = retrieved.find(domain)!;
    const base = defaultThresholds('test');
    expect(settingsScore(c, { ...base, documentFitWeight: 1 })).toBeCloseTo(Math.max(c.documentFit! > 0 ? Math.min(MOVED_SCORE_CAP, c.retrieval + c.documentFit!) : c.retrieval + c.documentFit!, c.lexical), 6);
    expect(settingsScore(c, base)).toBeCloseTo(Math.max(c.retrieval, c.lexical), 6);
    // without a document vector (documentTopK 0) there is no fit
    expect((await extract(AD, ctx, { documentTopK: 0 })).candidates.some((x) => x.documentFit !== undefined)).toBe(false);
  });

  it('lets a passage where the tagger found no skill phrase give the occupation profile one skill', async () => {
    const developer = taxonomy.occupations.findIndex((o) => o.label === 'software developer');
    const withTitle: ExtractionContext = { ...ctx, titleOccupation: () => ({ index: developer, start: 0, end: 18, label: 'software developer', reason: 'test' }) };
    const profiled = async (c: ExtractionContext) => (await extract(AD, c)).candidates.filter((x) => x.profile).length;
    const noTagger = await profiled(withTitle);
    // the tagger ran and found nothing: each passage confirms its first profile skill only
    const nothingTagged = await profiled({ ...withTitle, tagSpans: async () => [] });
    expect(nothingTagged).toBeGreaterThan(0);
    expect(nothingTagged).toBeLessThan(noTagger);
    // every word a phrase: each passage holds one, and confirms as many as without a tagger
    const everyWord = async (t: string) => [...t.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    expect(await profiled({ ...withTitle, tagSpans: everyWord })).toBeGreaterThanOrEqual(noTagger);
  });

  it('reads one thing in one word, or in a passage without a tagged phrase', () => {
    const text = 'Cloud. We build the cloud stack of tomorrow. Experience with Kubernetes clusters.';
    const at = (s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
    const tagged = [at('Kubernetes clusters')];
    expect(readsOneThing(text, at('Cloud'), tagged)).toBe(true);
    expect(readsOneThing(text, at('Cloud'), null)).toBe(true);
    expect(readsOneThing(text, at('We build the cloud stack of tomorrow.'), tagged)).toBe(true);
    expect(readsOneThing(text, at('Experience with Kubernetes clusters.'), tagged)).toBe(false);
    expect(readsOneThing(text, at('Kubernetes clusters'), tagged)).toBe(false);
    // no tagger ran: a clause may hold several, as before the tagger
    expect(readsOneThing(text, at('We build the cloud stack of tomorrow.'), null)).toBe(false);
  });

  it("does not read one word of a longer label as the occupation's duty", () => {
    // the word the passage and the label share, the label's duty unsaid
    expect(oneWordOfLabel('patient', 'transfer patients')).toBe(true);
    expect(oneWordOfLabel(' Roads ', 'road traffic laws')).toBe(true);
    // the whole label, another word for it, or a passage of several words
    expect(oneWordOfLabel('endocrinology', 'endocrinology')).toBe(false);
    expect(oneWordOfLabel('nettoyer', 'cleaning techniques')).toBe(false);
    expect(oneWordOfLabel('transfer patients safely', 'transfer patients')).toBe(false);
  });

  it('takes no skill from a title that is only an occupation name; a title with more words still names skills', async () => {
    const developer = taxonomy.occupations.findIndex((o) => o.label === 'software developer');
    const reading = () => ({ index: developer, start: 0, end: 18, label: 'software developer', reason: 'test' });
    const titleSkills = async (text: string) => {
      const end = text.indexOf('\r');
      const r = await extract(text, { ...ctx, titleOccupation: reading });
      return r.candidates.filter((c) => c.kind === 'skill' && c.evidence.some((e) => e.signal === 'embedding' && e.end <= end)).length;
    };
    // "(m/f/d)" is a marker, not a word: the title is the occupation's name alone
    expect(await titleSkills(AD)).toBe(0);
    expect(await titleSkills(AD.replace('(m/f/d)', '(m/f/d) Java and SQL'))).toBeGreaterThan(0);
    // the same title without a reading of its occupation is read for skills as any passage
    expect((await extract(AD, ctx)).candidates.some((c) => c.kind === 'skill' && c.evidence.some((e) => e.signal === 'embedding' && e.end <= AD.indexOf('\r')))).toBe(true);
  });

  it("marks the skills retrieved for a body passage that ESCO lists for the document's occupations, and the weight moves only them", async () => {
    const developer = taxonomy.occupations.findIndex((o) => o.label === 'software developer');
    const titleEnd = AD.indexOf('\r');
    const withTitle: ExtractionContext = { ...ctx, titleOccupation: () => ({ index: developer, start: 0, end: 18, label: 'software developer', reason: 'test' }) };
    const r = await extract(AD, withTitle);
    const nearest = r.candidates.filter((c) => c.kind === 'occupation' && c.document !== undefined).sort((a, b) => b.document! - a.document!)[0];
    const anchors = [developer, nearest.index].map((o) => taxonomy.occupations[o]);
    const profiled = r.candidates.filter((c) => c.profile);
    expect(profiled.some((c) => c.profile!.occupation === developer && c.profile!.relation === 'essential')).toBe(true);
    for (const c of profiled) {
      expect(c.kind).toBe('skill');
      const occ = taxonomy.occupations[c.profile!.occupation];
      expect(anchors).toContain(occ);
      expect(c.profile!.relation === 'essential' ? occ.essentialSkills : occ.optionalSkills).toContain(c.index);
      // found near the top for a passage of the body, not the title line (which names the occupation)
      expect(c.evidence.some((e) => e.signal === 'embedding' && e.rank! < PROFILE_RANK && e.start >= titleEnd)).toBe(true);
    }
    // a listed skill retrieved only on the title line, or only far down a passage's list, is not marked
    const listed = new Set(anchors.flatMap((o) => [...o.essentialSkills, ...o.optionalSkills]));
    const unmarked = r.candidates.filter((c) => c.kind === 'skill' && listed.has(c.index) && !c.profile && c.retrieval > 0);
    for (const c of unmarked) expect(c.evidence.some((e) => e.signal === 'embedding' && e.rank! < PROFILE_RANK && e.start >= titleEnd)).toBe(false);
    // the weight: the whole of it for an essential skill, half for an optional one, never past 1
    const base = { ...defaultThresholds('test'), occupationProfileWeight: 0.1 };
    for (const c of profiled) {
      const move = c.profile!.relation === 'essential' ? 0.1 : 0.05;
      // a prior, not evidence: never up to a verbatim preferred label's 1
      expect(settingsScore(c, base)).toBeCloseTo(Math.max(Math.min(MOVED_SCORE_CAP, c.retrieval + move), c.lexical), 6);
    }
    // no occupation to go by (no title, no document ranking): nothing is marked
    expect((await extract(AD, ctx, { documentTopK: 0 })).candidates.some((c) => c.profile)).toBe(false);
  });

  it("takes a title's shortlisted occupation only when the whole document is also near it", async () => {
    const titleEnd = AD.indexOf('\r');
    const nearestOf = (r: ExtractionResult) => r.candidates.filter((c) => c.kind === 'occupation' && c.document !== undefined).sort((a, b) => b.document! - a.document!);
    const documentRanking = nearestOf(await extract(AD, ctx)).map((c) => c.index);
    const near = documentRanking[TITLE_SHORTLIST_DOCUMENT_RANK - 1];
    const far = taxonomy.occupations.findIndex((o, i) => o.label === 'art administrator' && !documentRanking.slice(0, TITLE_SHORTLIST_DOCUMENT_RANK).includes(i));
    const entry = (index: number) => ({ index, start: 0, end: titleEnd, label: taxonomy.occupations[index].label, reason: 'shortlisted' });
    const titled = (r: ExtractionResult) => r.candidates.filter((c) => c.kind === 'occupation' && c.evidence.some((e) => e.label?.includes("the ad's title")));
    // a shortlisted occupation the document puts among its nearest is the title's occupation, a supported label match of the title
    const r = await extract(AD, { ...ctx, titleOccupation: () => ({ shortlist: [entry(far), entry(near)] }) });
    expect(titled(r).map((c) => c.index)).toEqual([near]);
    // of two the document is near, the nearer, whatever the shortlist's order
    const both = await extract(AD, { ...ctx, titleOccupation: () => ({ shortlist: [entry(near), entry(documentRanking[0])] }) });
    expect(titled(both).map((c) => c.index)).toEqual([documentRanking[0]]);
    const c = titled(r)[0];
    expect(c.lexical).toBe(LEXICAL_SCORE.supported);
    expect(c.evidence.find((e) => e.signal === 'lexical')).toMatchObject({ start: 0, end: titleEnd });
    // one the document is not near is never taken, nor anything without a document ranking or in the instant label stage
    expect(titled(await extract(AD, { ...ctx, titleOccupation: () => ({ shortlist: [entry(far)] }) }))).toEqual([]);
    expect(titled(await extract(AD, { ...ctx, titleOccupation: () => ({ shortlist: [entry(near)] }) }, { documentTopK: 0 }))).toEqual([]);
    expect(titled(extractLexical(AD, { ...ctx, titleOccupation: () => ({ shortlist: [entry(near)] }) }))).toEqual([]);
  });

  it('restricts a title reading to a prefix of the text', () => {
    const a = { index: 1, start: 0, end: 10, label: 'a', reason: '' };
    const b = { index: 2, start: 12, end: 20, label: 'b', reason: '' };
    expect(titleReadingWithin(a, 10)).toBe(a);
    expect(titleReadingWithin(a, 9)).toBeNull();
    expect(titleReadingWithin({ shortlist: [a, b] }, 15)).toEqual({ shortlist: [a] });
    expect(titleReadingWithin({ shortlist: [b] }, 15)).toBeNull();
    expect(titleReadingWithin(null, 100)).toBeNull();
  });

  it('words that name a concept by its own name are not alternative-label evidence for a broader one', () => {
    const text = 'Experience with SQL and SaaS.';
    const r = extractLexical(text, ctx);
    const lexical = (name: string) => find(r.candidates, 'skill', name)?.lexical ?? 0;
    expect(lexical('SQL')).toBe(LEXICAL_SCORE.preferred);
    // "SQL" is also listed under "database management systems": not evidence for it here
    expect(lexical('database management systems')).toBe(0);
    // no concept is named "SaaS": the alternative label counts
    expect(lexical('service-oriented modelling')).toBe(LEXICAL_SCORE.alt);
  });

  /** Three skills, the first with the everyday word "voltage" as its alt label (weak evidence). */
  async function voltageContext(first: string): Promise<ExtractionContext> {
    const skill = (label: string, altLabels: string[] = []) => ({ ...taxonomy.skills[0], uri: `test:${label}`, label, altLabels });
    const small: Taxonomy = { ...taxonomy, skills: [skill(first, ['voltage']), skill('team spirit'), skill('cook pasta')], occupations: [] };
    const texts = small.skills.map(conceptText);
    const matrices = { skill: quantizeMatrix(await embedder.embed(texts), texts.length, embedder.dims, 'int8'), occupation: quantizeMatrix(new Float32Array(0), 0, embedder.dims, 'int8') };
    return { taxonomy: small, lexical: buildLexicalIndex(small, { wordFrequency: { voltage: 4.3 } }), matrices, embedder };
  }

  it('counts a weak mention (an everyday word as an alt label) only when the model retrieves the concept for its passage', async () => {
    const c2 = await voltageContext('electrical engineering principles');
    const of = (r: ExtractionResult) => r.candidates.find((c) => c.kind === 'skill' && c.index === 0);
    // the model retrieves "team spirit" for this passage: the mention stays evidence without a score
    const off = 'A voltage of positive team spirit';
    expect(of(extractLexical(off, c2))).toBeUndefined();
    expect(of(await extract(off, c2, { topK: 1 }))?.lexical ?? 0).toBe(0);
    const on = 'Check the voltage of electrical systems';
    expect(of(extractLexical(on, c2))).toBeUndefined();
    const supported = of(await extract(on, c2, { topK: 1 }));
    expect(supported?.lexical).toBe(LEXICAL_SCORE.supported);
    // supported, the mention is evidence like any label match (no longer weak)
    const mention = supported!.evidence.find((e) => e.signal === 'lexical');
    expect(mention && on.slice(mention.start, mention.end)).toBe('voltage');
    expect(mention?.weak).toBe(false);
    // how well the model read it: the cosine of the passage that supported it
    const passage = supported!.evidence.find((e) => e.signal === 'embedding' && e.start <= mention!.start && mention!.end <= e.end);
    expect(supported?.supportCosine).toBe(passage?.score);
  });

  it("lets the model's reading of a skill built on a knowledge concept support the subject's weak name, not a skill's", async () => {
    const build = async (skillType: string): Promise<ExtractionContext> => {
      const c2 = await voltageContext('electricity');
      const [subject, ...rest] = c2.taxonomy.skills;
      // "check electrical voltage" is narrower than the concept named by the weak word "voltage"
      const narrower = { ...subject, uri: 'test:check', label: 'check electrical voltage levels', altLabels: [], skillType: 'skill/competence', broaderSkills: [0] };
      const small: Taxonomy = { ...c2.taxonomy, skills: [{ ...subject, skillType }, ...rest, narrower] };
      const texts = small.skills.map(conceptText);
      const skill = quantizeMatrix(await embedder.embed(texts), texts.length, embedder.dims, 'int8');
      return { ...c2, taxonomy: small, lexical: buildLexicalIndex(small, { wordFrequency: { voltage: 4.3 } }), matrices: { ...c2.matrices!, skill } };
    };
    const text = 'Check the voltage of electrical systems daily';
    const subjectOf = async (skillType: string) => (await extract(text, await build(skillType), { topK: 1 })).candidates.find((c) => c.kind === 'skill' && c.index === 0);
    const knowledge = await subjectOf('knowledge');
    // the passage retrieves the narrower skill first, never the subject itself
    expect(knowledge?.evidence.some((e) => e.signal === 'embedding')).toBe(false);
    expect(knowledge?.lexical).toBe(LEXICAL_SCORE.supported);
    // supported through a narrower skill, it has no cosine of its own: its label score stands whatever the lift
    expect(knowledge?.supportCosine).toBeUndefined();
    // a skill's narrower skill is another activity: no support
    expect((await subjectOf('skill/competence'))?.lexical ?? 0).toBe(0);
  });

  it('does not let a tagged phrase that is the weak word alone support it: its rank repeats the word', async () => {
    const c2 = await voltageContext('voltage regulation');
    const text = 'A voltage of positive team spirit';
    const word = { start: text.indexOf('voltage'), end: text.indexOf('voltage') + 'voltage'.length };
    const r = await extract(text, { ...c2, tagSpans: async () => [word] }, { topK: 1 });
    const c = r.candidates.find((x) => x.kind === 'skill' && x.index === 0);
    // the phrase retrieved the concept first, yet the mention stays without a score
    expect(c?.evidence.some((e) => e.signal === 'embedding' && e.rank === 0 && e.start === word.start && e.end === word.end)).toBe(true);
    expect(c?.lexical).toBe(0);
  });

  it('marks the evidence of a one-word passage that is one word of a skill\'s label, and only that', async () => {
    const text = 'Software\nYou install software on our laptops.';
    const r = await extract(text, ctx);
    const install = find(r.candidates, 'skill', 'install software');
    const word = install?.evidence.find((e) => e.signal === 'embedding' && text.slice(e.start, e.end) === 'Software');
    expect(word?.partOfLabel).toBe(true);
    // the sentence says the whole label: no mark
    const sentence = install?.evidence.find((e) => e.signal === 'embedding' && e.start > text.indexOf('\n'));
    expect(sentence).toBeDefined();
    expect(sentence?.partOfLabel).toBeUndefined();
  });

  it("finds no skill in the job details, while the document's vector still reads them", async () => {
    const text = ['Camarero/a', 'Tipo de empleo', 'Contrato temporal', 'Turno y horario', 'Turno rotativo', 'Servir bebidas a las mesas y atender a los clientes con una sonrisa.'].join('\n');
    const seen: string[] = [];
    const spy = { dims: embedder.dims, embed: (texts: string[]) => (seen.push(...texts), embedder.embed(texts)) };
    const r = await extract(text, { ...ctx, embedder: spy });
    const details = r.skippedSections.filter((s) => s.reason === 'details');
    expect(details.map((s) => text.slice(s.start, s.end))).toEqual(['Tipo de empleo\nContrato temporal', 'Turno y horario\nTurno rotativo']);
    for (const c of r.candidates) for (const e of c.evidence) expect(details.some((s) => e.start < s.end && s.start < e.end)).toBe(false);
    // no query of its own, but the document chunk holds the details
    expect(seen).not.toContain('Turno rotativo');
    expect(seen.some((t) => t.includes('Turno rotativo') && t.includes('Servir bebidas'))).toBe(true);
  });

  it('keeps sections that are not about the job from producing candidates, and analyses them on request', async () => {
    const ad = [AD, 'What we offer:', '- Health insurance and a pension plan', '- Free Python courses'].join('\n');
    const r = await extract(ad, ctx);
    // "Your profile:" is a heading line: skipped itself, and it names no skill
    expect(r.skippedSections.map((s) => [s.reason, s.analysed])).toEqual([['heading', false], ['apply', false], ['benefits', false]]);
    const benefitsStart = ad.indexOf('What we offer:');
    for (const c of r.candidates) for (const e of c.evidence) expect(e.start < benefitsStart || e.start >= ad.length).toBe(true);
    // Python is still found in the job part; the benefits line alone would not keep it.
    expect(find(r.candidates, 'skill', 'Python (computer programming)')).toBeDefined();
    const all = await extract(ad, ctx, { analyseAllSections: true });
    expect(all.skippedSections.every((s) => s.analysed)).toBe(true);
    expect(all.candidates.some((c) => c.evidence.some((e) => e.start > benefitsStart))).toBe(true);
  });

  it('embeds the title line and gives occupations a title score', async () => {
    expect(titleLineOf(AD)).toEqual({ start: 0, end: 'Software Developer (m/f/d)'.length });
    expect(titleLineOf('\n  Nurse\nmore')).toEqual({ start: 3, end: 8 });
    expect(titleLineOf('This first line is far too long to be the title of a job advertisement, it is a sentence.')).toBeNull();
    const r = await extract(AD, ctx, { titleLine: true });
    const dev = find(r.candidates, 'occupation', 'software developer')!;
    expect(dev.title).toBeGreaterThan(0.3);
    const off = await extract(AD, ctx);
    expect(off.candidates.every((c) => c.title === undefined)).toBe(true);
  });

  it('can also query whole sentences that were cut into pieces', async () => {
    const text = 'Experience with Java programming and SQL databases';
    const pieces = await extract(text, ctx, { titleLine: false });
    const both = await extract(text, ctx, { titleLine: false, queryGranularity: 'pieces+sentences' });
    const spans = (r: typeof both) => new Set(r.candidates.flatMap((c) => c.evidence.filter((e) => e.signal === 'embedding').map((e) => text.slice(e.start, e.end))));
    expect(spans(pieces).has(text)).toBe(false);
    expect(spans(both).has(text)).toBe(true);
  });

  it('runs every concept search through the context search when there is one (the GPU path)', async () => {
    const calls: { kind: ConceptKind; count: number; k: number }[] = [];
    // The stand-in search nudges every score by the same tiny amount: its results must be the ones used.
    const search = async (kind: ConceptKind, queries: Float32Array, count: number, k: number) => {
      calls.push({ kind, count, k });
      const r = topK(ctx.matrices![kind], queries, count, k);
      return { ...r, scores: r.scores.map((x) => x + 1e-3) };
    };
    const options = { rerankLimit: 0, titleLine: true, int8Query: 'i16' as const };
    const plain = await extract(AD, ctx, options);
    const viaSearch = await extract(AD, { ...ctx, search }, options);
    // Segments (skill + occupation), the title line and the whole-document vector (occupations), and
    // the skill candidates' nearest skills (their own concept vectors as queries).
    expect(calls.map((c) => c.kind).sort()).toEqual(['occupation', 'occupation', 'occupation', 'skill', 'skill']);
    const retrieval = (r: ExtractionResult) => new Map(r.candidates.map((c) => [`${c.kind}:${c.index}`, c.retrieval]));
    const a = retrieval(plain);
    const b = retrieval(viaSearch);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, v] of a) if (v > 0) expect(b.get(key)).toBeCloseTo(v + 1e-3, 5);
  });

  it("compares each passage with the skill labels in the text's language too, and nothing else with them", async () => {
    const forklift = taxonomy.skills.findIndex((s) => s.label === 'operate forklift');
    const text = 'Lagerist gesucht\nSie können sicher Gabelstapler fahren.';
    const labels = ['Gabelstapler fahren', 'Gabelstapler führen'];
    const labelVectors = { language: 'de', matrix: quantizeMatrix(await embedder.embed(labels), labels.length, embedder.dims, 'int8'), owners: Int32Array.from([forklift, forklift]) };
    const options = { rerankLimit: 0 };
    const english = await extract(text, ctx, options);
    const withLabels = await extract(text, { ...ctx, labelVectors }, options);
    const reading = (r: ExtractionResult) => r.candidates.find((c) => c.kind === 'skill' && c.index === forklift);
    // the English label shares no word with the German passage; the German label shares two
    expect(reading(english)?.retrieval ?? 0).toBeLessThan(0.3);
    const found = reading(withLabels)!;
    expect(found.retrieval).toBeGreaterThan(0.6);
    expect(text.slice(found.evidence[0].start, found.evidence[0].end)).toContain('Gabelstapler fahren');
    // every other skill reads as before (one at the end of a passage's top k may make room for it)
    const before = english.candidates.filter((c) => c.kind === 'skill' && c.index !== forklift && c.retrieval > 0);
    const after = new Map(withLabels.candidates.filter((c) => c.kind === 'skill').map((c) => [c.index, c.retrieval]));
    expect(before.filter((c) => !after.has(c.index)).length).toBeLessThanOrEqual(found.evidence.length);
    for (const c of before) if (after.has(c.index)) expect(after.get(c.index)).toBeCloseTo(c.retrieval, 5);
    // occupations and a skill's neighbours stay in the English space
    const occupations = (r: ExtractionResult) => r.candidates.filter((c) => c.kind === 'occupation').map((c) => [c.index, c.retrieval]);
    expect(occupations(withLabels)).toEqual(occupations(english));
    const direct = topK(ctx.matrices!.skill, getRow(ctx.matrices!.skill, forklift), 1, SKILL_NEIGHBOURS + 1);
    expect(found.neighbours).toEqual(Array.from(direct.indices).filter((i) => i !== forklift).slice(0, SKILL_NEIGHBOURS));
  });

  it('lists each skill candidate\'s nearest skills by the concept vectors, itself left out', async () => {
    const r = await extract(AD, ctx, { rerankLimit: 0 });
    const skills = r.candidates.filter((c) => c.kind === 'skill' && (c.retrieval > 0 || c.lexical > 0));
    expect(skills.length).toBeGreaterThan(0);
    for (const c of skills.slice(0, 5)) {
      const direct = topK(ctx.matrices!.skill, getRow(ctx.matrices!.skill, c.index), 1, SKILL_NEIGHBOURS + 1);
      expect(c.neighbours).toEqual(Array.from(direct.indices).filter((i) => i !== c.index).slice(0, SKILL_NEIGHBOURS));
    }
    // the instant label stage has no vectors to compare
    expect(extractLexical(AD, ctx).candidates.some((c) => c.neighbours)).toBe(false);
  });

  it("gives each skill the model found the label coverage of its best passage (labelWords.ts), and no other candidate", async () => {
    const index = buildLabelWords(taxonomy, await loadStemmer('en'));
    const r = await extract(AD, { ...ctx, labelWords: [index] });
    const found = r.candidates.filter((c) => c.kind === 'skill' && c.retrieval > 0);
    expect(found.length).toBeGreaterThan(0);
    for (const c of found) {
      const passages = c.evidence.filter((e) => e.signal === 'embedding').map((e) => labelCoverage(index, c.index, passageKeys(index, AD.slice(e.start, e.end))));
      expect(c.labelCoverage).toBeCloseTo(Math.max(...passages));
    }
    expect(found.some((c) => c.labelCoverage! > 0)).toBe(true);
    expect(r.candidates.filter((c) => c.kind === 'occupation' || c.retrieval === 0).every((c) => c.labelCoverage === undefined)).toBe(true);
    // a text whose language has no skill labels (no indexes): no coverage, so no score moves
    expect((await extract(AD, { ...ctx, labelWords: [] })).candidates.every((c) => c.labelCoverage === undefined)).toBe(true);
  });
});
