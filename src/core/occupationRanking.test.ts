// The hybrid title ranking on the real taxonomy and the built label packs (public/taxonomy, made by
// `npm run build:taxonomy`): label matching + title search, the ad's title parts, fusion with model
// scores given by the caller, and the "title names an occupation" rule.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findAdTitle } from './adTitle.ts';
import { attachLabelPack, validateLabelPack, type LocalizedLabels } from './labelPacks.ts';
import { buildLexicalIndex, type LexicalIndex } from './lexical.ts';
import { buildLanguageMatcher, type LanguageMatcher } from './multilingualLexical.ts';
import { labelWordsName, modelRanking, rankTitleOccupations, titleOccupation, wordOverlap } from './occupationRanking.ts';
import { stripHyphenEnding } from './titleSearch.ts';
import { validateTaxonomy, type Taxonomy } from './taxonomy.ts';

let tax: Taxonomy;
let english: LexicalIndex;
const pack = (language: string): LocalizedLabels =>
  attachLabelPack(tax, validateLabelPack(JSON.parse(readFileSync(`public/taxonomy/labels-${language}.json`, 'utf8')), tax));
const label = (i: number) => tax.occupations[i].label;

beforeAll(() => {
  tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
  english = buildLexicalIndex(tax);
});

describe('rankTitleOccupations', () => {
  let nl: LanguageMatcher;
  let de: LanguageMatcher;
  let en: LanguageMatcher;
  beforeAll(async () => {
    nl = await buildLanguageMatcher(tax, pack('nl'), { englishIndex: english });
    de = await buildLanguageMatcher(tax, pack('de'), { englishIndex: english });
    en = await buildLanguageMatcher(tax, undefined, { englishIndex: english });
  });

  it('names the occupation of a Dutch ad title through the alternative labels, with the title as evidence', () => {
    const ad = 'Elektricien (m/v/x)\n\nVoor onze klant zoeken wij een ervaren elektricien.\n';
    const title = findAdTitle(ad, { language: 'nl' })!;
    const r = titleOccupation(nl, title)!;
    expect(r).not.toBeNull();
    expect(r.reason).toBe('exact label');
    expect(label(r.best.index)).toMatch(/electrician/);
    expect(ad.slice(r.best.evidence.start, r.best.evidence.end)).toBe('Elektricien');
  });

  it('ranks the parts of a title and keeps the part that named the occupation', () => {
    const ad = 'Lagerist (w/m/d) – Fachkraft für Lagerlogistik oder gern auch Quereinsteiger (w/m/d)\n\nAvanCarte ...\n';
    const title = findAdTitle(ad, { language: 'de' })!;
    const r = titleOccupation(de, title)!;
    expect(r).not.toBeNull();
    expect(label(r.best.index)).toMatch(/inventory coordinator|warehouse/); // ESCO: 'Lagerist' is an alternative label of inventory coordinator
    expect([title, ...title.parts].map((p) => [p.start, p.end])).toContainEqual([r.best.evidence.start, r.best.evidence.end]);
    // a part that is a place or a team does not outrank the occupation of the title proper
    const t2 = findAdTitle('Software Developer at <ORGANIZATION> - The Mobile Wallet 50 mio users\nWe build ...', { language: 'en' })!;
    const best = rankTitleOccupations(en, t2, { limit: 3 })[0];
    expect(label(best.index)).toBe('software developer');
  });

  it('fuses the model scores the caller passes (sparse hits or one score per occupation)', () => {
    const lexical = rankTitleOccupations(en, 'Chief Executives', { limit: 5 });
    const ceo = tax.occupations.findIndex((o) => o.label === 'chief executive officer');
    const other = lexical.find((h) => h.index !== ceo)!.index;
    // a model sure of another occupation moves it up; RRF: 1/(k+1) + 1/(k+1) beats any single first rank
    const dense = new Float32Array(tax.occupations.length).fill(NaN); // NaN: no score (outside the model's hits)
    dense[other] = 0.9;
    dense[ceo] = 0.5;
    const fused = rankTitleOccupations(en, 'Chief Executives', { limit: 5, model: dense });
    const sparse = rankTitleOccupations(en, 'Chief Executives', { limit: 5, model: [{ index: ceo, score: 0.5 }, { index: other, score: 0.9 }] });
    expect(fused.map((h) => h.index)).toEqual(sparse.map((h) => h.index));
    expect(fused.find((h) => h.index === other)!.modelRank).toBe(0);
    expect(fused.findIndex((h) => h.index === other)).toBeLessThanOrEqual(lexical.findIndex((h) => h.index === other));
    // an occupation only the model finds is still ranked, with the whole title as evidence
    const unseen = tax.occupations.findIndex((o) => o.label === 'astronomer');
    const m = rankTitleOccupations(en, 'Chief Executives', { limit: 100, model: [{ index: unseen, score: 0.99 }] });
    expect(m.find((h) => h.index === unseen)).toMatchObject({ modelRank: 0, evidence: { text: 'Chief Executives', start: 0, end: 16 } });
    expect(modelRanking([0.1, 0.7, 0.3], 2)).toEqual([{ index: 1, score: 0.7 }, { index: 2, score: 0.3 }]);
  });

  it('names the occupation of a long title through its leading phrase, with the phrase as evidence', async () => {
    const fr = await buildLanguageMatcher(tax, pack('fr'), { englishIndex: english });
    const ad = 'Bibliothécaire pour la Bibliothèque George Orwell et la Librairie Stéphane Hessel\n\nContrat « Convention Premier Emploi (CPE) »\n';
    const r = titleOccupation(fr, findAdTitle(ad, { language: 'fr' })!)!;
    expect(r).toMatchObject({ reason: 'exact label' });
    expect(label(r.best.index)).toBe('librarian');
    expect(ad.slice(r.best.evidence.start, r.best.evidence.end)).toBe('Bibliothécaire');
    // a typed title gets its phrases too
    expect(label(titleOccupation(fr, 'Bibliothécaire pour la médiathèque municipale')!.best.index)).toBe('librarian');
    // the phrase cut before its attribute is no exact label of the title: "animateur" alone is
    // ESCO's presenter (TV), not the youth worker of this title
    const t = findAdTitle('Animateur-trice de groupes d’enfants, de jeunes et d’adultes\n\nContrat ...\nInformations\n', { language: 'fr' })!;
    const ranking = rankTitleOccupations(fr, t, { limit: 10 });
    const presenter = ranking.find((o) => label(o.index) === 'presenter');
    expect(presenter?.exact ?? false).toBe(false);
    expect(titleOccupation(fr, t)?.best.index).not.toBe(presenter?.index ?? -1);
  });

  it('names an occupation whose label shares two words with a long title (any span of it)', () => {
    const ad = 'Enthousiaste en zorgzame pedagogisch medewerker voor onze peutergroep\n\nPer 1 november zoeken wij ...\n';
    const r = titleOccupation(nl, findAdTitle(ad, { language: 'nl' })!)!;
    expect(r).toMatchObject({ reason: 'label words' });
    expect(label(r.best.index)).toBe('child day care worker');
    expect(labelWordsName('Enthousiaste en zorgzame pedagogisch medewerker voor onze peutergroep', 'pedagogisch medewerker kinderopvang')).toBe(true);
    // one shared word of a two-word label is not enough from a phrase (the title's own words count as before)
    expect(labelWordsName('Assistente', 'assistente sociale', true)).toBe(false);
    // nor from a one-word title: a specialisation of the word is a guess ("Doctor" is no "tree doctor")
    expect(labelWordsName('Assistente', 'assistente sociale')).toBe(false);
    expect(labelWordsName('Doctor', 'tree doctor')).toBe(false);
    expect(labelWordsName('Nurse/Paramedic', 'paramedic')).toBe(true);
    expect(labelWordsName('zorgzame pedagogisch medewerker', 'pedagogisch medewerker', true)).toBe(true);
  });

  it('matches words one to one, and reads a gendered pair as either form', () => {
    // "Engineer" stands for "engineer", not for "engine" too
    expect(wordOverlap('Backend Engineer', 'engine test engineer')).toEqual({ title: 0.5, label: 1 / 3, shared: 1 });
    expect(labelWordsName('Backend Engineer', 'engine test engineer')).toBe(false);
    // both forms of a pair are not two words in common: "Infirmier" is no "infirmier préleveur"
    expect(labelWordsName('Infirmier', 'infirmier préleveur/infirmière préleveuse')).toBe(false);
    expect(labelWordsName('Conducteur de grue à tour', 'conducteur de grue à tour/conductrice de grue à tour')).toBe(true);
    expect(labelWordsName('Bibliothécaire', 'bibliothécaire')).toBe(true);
  });

  it('reads hyphenated feminine endings as the word ("Animateur-trice")', () => {
    expect(stripHyphenEnding('Animateur-trice de groupes')).toBe('Animateur de groupes');
    expect(stripHyphenEnding('Employé-e polyvalent-e')).toBe('Employé polyvalent');
    expect(stripHyphenEnding('Aide-familial Secouriste-ambulancier')).toBe('Aide-familial Secouriste-ambulancier');
  });

  it('names no occupation for a title without occupation words', () => {
    expect(titleOccupation(en, 'Maria Rossi')).toBeNull();
    expect(titleOccupation(de, 'Herzlich willkommen')).toBeNull();
    expect(wordOverlap('Infirmier en chef', 'chef de cuisine')).toEqual({ title: 0.5, label: 0.5, shared: 1 });
    expect(wordOverlap('Child Care Bus Driver', 'bus driver')).toEqual({ title: 0.5, label: 1, shared: 2 });
    expect(wordOverlap('Senior Backend Developer', 'senior product developer')).toEqual({ title: 0.5, label: 0.5, shared: 1 });
    expect(wordOverlap('pracownika administracyjno-biurowego', 'pracownik administracyjno-biurowy')).toEqual({ title: 1, label: 1, shared: 3 });
    expect(wordOverlap('Frontend Engineer', 'front of house sound engineer').title).toBe(0.5);
  });
});
