// The ad's title read by the model where no label names its occupation (titleModel.ts), on the real
// taxonomy and label packs (public/taxonomy) with the deterministic stand-in embedder
// (testing/standIns.ts HashingEmbedder: bag of words) over a matrix of the occupations' English labels.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findAdTitle } from './adTitle.ts';
import { attachLabelPack, validateLabelPack, type LocalizedLabels } from './labelPacks.ts';
import { withTitleModel } from './languageMatching.ts';
import { buildLexicalIndex, type LexicalIndex } from './lexical.ts';
import { buildLanguageMatcher, type LanguageMatcher } from './multilingualLexical.ts';
import { partialLabelWords, titleOccupation, type TitleOccupation } from './occupationRanking.ts';
import { HashingEmbedder } from './testing/standIns.ts';
import { mergeModelHits, modelSupports, modelTitleOccupation, titleModelOf, titleModelTexts, titleOccupationWithHits, PARTIAL_LABEL_MODEL_RANK, TITLE_MODEL_BAR, TITLE_SHORTLIST_SIZE, TITLE_SHORTLIST_VALUE, titleShortlist, type TitleMatchLike, type TitleModel, type TitleReadingLike } from './titleModel.ts';
import { validateTaxonomy, type Taxonomy } from './taxonomy.ts';
import { quantizeMatrix } from './vectors.ts';

// The stand-in reads words of any language; it stands in for the multilingual preset, whose weight and languages the fusion takes.
const E5 = 'multilingual-e5-small';
let tax: Taxonomy;
let english: LexicalIndex;
let embedder: HashingEmbedder;
let model: TitleModel;
const pack = (language: string): LocalizedLabels =>
  attachLabelPack(tax, validateLabelPack(JSON.parse(readFileSync(`public/taxonomy/labels-${language}.json`, 'utf8')), tax));
const label = (i: number) => tax.occupations[i].label;
/** The reading as a named occupation (a shortlist or none fails the test). */
function asMatch(r: TitleReadingLike): TitleMatchLike {
  if (!r || 'shortlist' in r) throw new Error(`expected a named occupation, got ${JSON.stringify(r)}`);
  return r;
}

beforeAll(async () => {
  tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
  english = buildLexicalIndex(tax);
  // the stand-in's "occupation matrix": each occupation's English preferred label, bag of words
  const rows = await new HashingEmbedder(256).embed(tax.occupations.map((o) => o.label));
  embedder = new HashingEmbedder(256);
  model = titleModelOf(E5, embedder, quantizeMatrix(rows, tax.occupations.length, 256, 'f16'));
});

describe('titleModelTexts and mergeModelHits', () => {
  it('reads the title without gender markers, then its phrases', () => {
    expect(titleModelTexts('Doctor/a', 'es')).toEqual(['Doctor']);
    const ad = 'Assistenz der Buchhaltung (m/w/d)\n\nWir suchen ...\n';
    expect(titleModelTexts(findAdTitle(ad, { language: 'de' })!, 'de')).toEqual(['Assistenz der Buchhaltung', 'Assistenz']);
  });

  it("keeps each occupation's best cosine, a phrase's a little lower than the title's", () => {
    const merged = mergeModelHits([[{ index: 1, score: 0.8 }, { index: 2, score: 0.7 }], [{ index: 2, score: 0.9 }, { index: 1, score: 0.8 }]]);
    expect(merged.map((h) => h.index)).toEqual([2, 1]);
    expect(merged[0].score).toBeCloseTo(0.89);
    expect(merged[1].score).toBeCloseTo(0.8);
  });
});

describe('modelSupports', () => {
  const occ = (index: number, score: number, lexicalRank?: number, modelRank?: number) =>
    ({ index, score, lexicalRank, modelRank, lexicalValue: 0, label: '', language: 'en', iscoGroup: false, exact: false, evidence: { text: '', start: 0, end: 0 } }) as TitleOccupation;
  const w = 0.75;
  const lead = TITLE_MODEL_BAR.margin * (1 + w);
  it('takes the best when both rankers have it near the top and it leads the runner-up clearly', () => {
    expect(modelSupports([occ(1, 1.6, 1, 0), occ(2, 1.6 - lead - 0.01, 0, 3)], w)).toBe(true);
  });
  it('not when its lead is under the bar, or a ranker has it lower, or the model lacks it', () => {
    expect(modelSupports([occ(1, 1.6, 1, 0), occ(2, 1.6 - lead + 0.01, 0, 3)], w)).toBe(false);
    expect(modelSupports([occ(1, 1.6, TITLE_MODEL_BAR.rank + 1, 0), occ(2, 0.5, 0, 3)], w)).toBe(false);
    expect(modelSupports([occ(1, 1.6, 0, TITLE_MODEL_BAR.rank + 1), occ(2, 0.5, 1, 0)], w)).toBe(false);
    expect(modelSupports([occ(1, 1.6, 0, undefined), occ(2, 0.5, 1, 0)], w)).toBe(false);
    expect(modelSupports([], w)).toBe(false);
  });
  it('measures the lead as a share of the best fused score possible, so a heavier model needs a larger lead', () => {
    expect(modelSupports([occ(1, 2.5, 0, 1), occ(2, 2.5 - lead - 0.01, 1, 0)], 2)).toBe(false);
    expect(modelSupports([occ(1, 2.5, 0, 1), occ(2, 2.5 - TITLE_MODEL_BAR.margin * 3 - 0.01, 1, 0)], 2)).toBe(true);
  });
});

describe('titleShortlist', () => {
  const occ = (index: number, lexicalRank: number | undefined, lexicalValue: number, modelRank?: number) =>
    ({ index, score: 0, lexicalRank, lexicalValue, modelRank, label: `o${index}`, language: 'en', iscoGroup: false, exact: false, evidence: { text: 'T', start: 0, end: 1 } }) as TitleOccupation;
  it("holds the occupations the title's words name about as well as the best, in the title search's order; not the model's alone", () => {
    const fused = [occ(1, undefined, 0, 0), occ(2, 3, 0.9, 1), occ(3, 0, 1, 9), occ(4, 1, 0.5, 2), occ(5, 2, TITLE_SHORTLIST_VALUE, 40)];
    expect(titleShortlist(fused).map((t) => t.index)).toEqual([3, 5, 2]);
    expect(titleShortlist(Array.from({ length: 50 }, (_, i) => occ(i, i, 1)))).toHaveLength(TITLE_SHORTLIST_SIZE);
    expect(titleShortlist([occ(1, undefined, 0, 0)])).toEqual([]);
  });
});

describe('modelTitleOccupation', () => {
  let nl: LanguageMatcher;
  let es: LanguageMatcher;
  let de: LanguageMatcher;
  beforeAll(async () => {
    nl = await buildLanguageMatcher(tax, pack('nl'), { englishIndex: english });
    es = await buildLanguageMatcher(tax, pack('es'), { englishIndex: english });
    de = await buildLanguageMatcher(tax, pack('de'), { englishIndex: english });
  });

  it('a label match wins as it is: the model is not asked', async () => {
    const ad = 'Elektricien (m/v/x)\n\nVoor onze klant zoeken wij een ervaren elektricien.\n';
    const calls = embedder.calls;
    const r = asMatch(await modelTitleOccupation(nl, ad, model));
    expect(r.reason).toBe('exact label');
    expect(label(r.index)).toMatch(/electrician/);
    expect(ad.slice(r.start, r.end)).toBe('Elektricien');
    expect(embedder.calls).toBe(calls);
  });

  it("a title no label names gets the model's best occupation when it passes the bar, and says it came from the model", async () => {
    const ad = 'Doctor/a\n\nBuscamos un doctor o doctora para nuestra clínica.\n';
    const title = findAdTitle(ad, { language: 'es' })!;
    // the label path names none ("Doctor" is no "tree doctor")
    expect(titleOccupationWithHits(es, title, E5, undefined)).toBeNull();
    const r = asMatch(await modelTitleOccupation(es, ad, model));
    expect(r).not.toBeNull();
    expect(label(r.index)).toBe('specialised doctor');
    expect(r.reason).toMatch(/model multilingual-e5-small/);
    expect(ad.slice(r.start, r.end)).toBe('Doctor/a');
  });

  it('none when the fused best does not clear the bar', async () => {
    // every "<x> administrator" is as near to "Administrator" for a bag of words: no clear lead
    const ad = 'Administrator*in\n\nWir suchen eine*n Administrator*in für unsere Server.\n';
    const title = findAdTitle(ad, { language: 'de' })!;
    const hits = await model.nearest(titleModelTexts(title, 'de'), 50);
    const r = titleOccupationWithHits(de, title, E5, hits);
    expect(r).toBeNull();
    // the app gets the shortlist the whole ad decides among: administrators the title's words name
    const reading = await modelTitleOccupation(de, ad, model);
    expect(reading && 'shortlist' in reading).toBe(true);
    const shortlist = (reading as { shortlist: TitleMatchLike[] }).shortlist;
    expect(shortlist.length).toBeGreaterThan(1);
    expect(shortlist.length).toBeLessThanOrEqual(TITLE_SHORTLIST_SIZE);
    for (const o of shortlist) {
      expect(o.label).toMatch(/administrator/i); // the label its words matched ("web administrator" of webmaster)
      expect(ad.slice(o.start, o.end)).toMatch(/^Administrator/);
    }
    // the same fused ranking with a bar that takes any best would name one: the bar decided
    expect(titleOccupationWithHits(de, title, E5, hits, { bar: { rank: 100, margin: 0 } })).not.toBeNull();
  });

  it('an English-only model is not asked for a title in another language', async () => {
    const ad = 'Doctor/a\n\nBuscamos un doctor o doctora para nuestra clínica.\n';
    const english: TitleModel = { presetId: 'bge-small-en', nearest: model.nearest };
    const calls = embedder.calls;
    expect(await modelTitleOccupation(es, ad, english)).toBeNull();
    expect(embedder.calls).toBe(calls);
    const hits = await model.nearest(titleModelTexts(findAdTitle(ad, { language: 'es' })!, 'es'), 50);
    expect(titleOccupationWithHits(es, 'Doctor/a', 'bge-small-en', hits)).toBeNull();
    expect(titleOccupationWithHits(es, 'Doctor/a', E5, hits)).not.toBeNull();
  });

  it("a title that names only part of a label's words needs the model to put that occupation near the top", async () => {
    const en = await buildLanguageMatcher(tax, undefined, { englishIndex: english });
    const labels = titleOccupation(en, 'Mobile Engineer')!;
    expect(labels.reason).toBe('label words'); // "mobile equipment engineer": "equipment" is not in the title
    expect(partialLabelWords(labels)).toBe(true);
    expect(partialLabelWords(titleOccupation(en, 'Child Care Bus Driver')!)).toBe(false); // all of "bus driver"
    const other = tax.occupations.findIndex((o) => o.label === 'mobile application developer');
    const near = [[{ index: labels.best.index, score: 0.9 }, { index: other, score: 0.89 }]];
    expect(titleOccupationWithHits(en, 'Mobile Engineer', E5, near)?.best.index).toBe(labels.best.index);
    // the model has it nowhere near: the label path's guess does not stand
    const far = [[{ index: other, score: 0.9 }, ...Array.from({ length: PARTIAL_LABEL_MODEL_RANK }, (_, i) => ({ index: i, score: 0.8 }))]];
    expect(titleOccupationWithHits(en, 'Mobile Engineer', E5, far)?.best.index).not.toBe(labels.best.index);
    // without a model, or one that does not read the language, the label path answers as before
    expect(titleOccupationWithHits(en, 'Mobile Engineer', E5, undefined)?.best.index).toBe(labels.best.index);
  });

  it('without a model, the label path alone', async () => {
    expect(await modelTitleOccupation(es, 'Doctor/a\n\nBuscamos un doctor.\n', undefined)).toBeNull();
  });

  it('withTitleModel answers for the text (or a prefix holding the title) and leaves other texts to the labels', () => {
    const text = 'Doctor/a\n\nBuscamos un doctor.\n';
    const match = { index: 7, start: 0, end: 8, label: 'x', reason: 'nearest occupation of the model test' };
    const fn = withTitleModel(text, match, () => null);
    expect(fn(text)).toBe(match);
    expect(fn(text.trimEnd())).toBe(match);
    expect(fn('Doctor')).toBeNull(); // a prefix that ends inside the title
    expect(fn('Something else entirely')).toBeNull();
  });
});
