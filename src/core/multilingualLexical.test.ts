// Label matching in the text's language (+ English), title ranking, and the label-pack round trip
// (build -> JSON -> validate -> attach -> match), on a synthetic pack and on the real ESCO label files
// of ../shared/esco (German, French, Spanish), read at test time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachLabelPack, buildLabelPack, displayLabel, validateLabelPack, type LabelSourceInput, type LocalizedLabels } from './labelPacks.ts';
import { buildLexicalIndex, type LexicalIndex } from './lexical.ts';
import { buildLanguageMatcher, findMentionsIn, rankTitle, skillObject, type MultilingualMatch } from './multilingualLexical.ts';
import { planLanguage } from './languageDetect.ts';
import { validateTaxonomy, type Taxonomy } from './taxonomy.ts';

const ESCO = join(import.meta.dirname, '..', '..', '..', 'shared', 'esco');
const src = (path: string, kind: LabelSourceInput['kind'], tier: LabelSourceInput['tier'], escoVersion: string): LabelSourceInput => ({
  input: { name: path, text: readFileSync(join(ESCO, path), 'utf8') }, kind, tier, escoVersion,
});

/** Build -> serialise -> parse -> validate -> attach: what the build script and the worker do. */
async function roundTrip(t: Taxonomy, language: string, inputs: LabelSourceInput[]): Promise<LocalizedLabels> {
  const pack = await buildLabelPack(t, language, inputs);
  return attachLabelPack(t, validateLabelPack(JSON.parse(JSON.stringify(pack)), t));
}

const spans = (text: string, ms: MultilingualMatch[]) => ms.map((m) => text.slice(m.start, m.end));

let tax: Taxonomy;
let english: LexicalIndex;
beforeAll(() => {
  tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
  english = buildLexicalIndex(tax);
});

describe('skill objects of verb-phrase labels', () => {
  it('drops the verb of German, Dutch and French skill labels', () => {
    expect(skillObject('Wundversorgung durchführen', 'de')).toBe('Wundversorgung');
    expect(skillObject('effectuer des soins des plaies', 'fr')).toBe('soins des plaies');
    expect(skillObject('Java', 'de')).toBeUndefined();
  });

  it('drops the article and the preposition after a leading verb, and reads no object where the verb is not last', () => {
    // "une" is the article, not "un" + "e pompe"
    expect(skillObject('installer une pompe à chaleur', 'fr')).toBe('pompe à chaleur');
    expect(skillObject('procéder à l’analyse des données', 'fr')).toBe('analyse des données');
    expect(skillObject('zu Baumaterialien beraten', 'de')).toBe('zu Baumaterialien');
    // the verb comes first, so "-en" of the last word is no infinitive
    expect(skillObject('toezicht houden op het schoonmaken', 'nl')).toBeUndefined();
    expect(skillObject('Büroausstattung aufstellen und einrichten', 'de')).toBeUndefined();
  });
});

describe('German', () => {
  let de: LocalizedLabels;
  const ad = 'Wir suchen eine Pflegefachkraft (m/w/d) mit Erfahrung in der Altenpflege, Wundversorgung und Dokumentation. Führerschein Klasse B erforderlich.';
  beforeAll(async () => {
    de = await roundTrip(tax, 'de', [
      src('v1.2.0/de/occupations_de.csv', 'occupation', 'official', '1.2.0'),
      src('v1.2.0/de/ISCOGroups_de.csv', 'iscoGroup', 'official', '1.2.0'),
      src('v1.2.0/de/digitalSkillsCollection_de.csv', 'skill', 'collection', '1.2.0'),
      src('labels/skills_de_v1.0.3.csv', 'skill', 'partial', '1.0.3'),
    ]);
  });

  it('labels every occupation and most skills, official files first', () => {
    expect(de.occupations.filter(Boolean).length).toBe(tax.occupations.length);
    expect(de.skills.filter(Boolean).length).toBeGreaterThan(12_000);
    const java = tax.skills.findIndex((s) => s.label === 'Java (computer programming)');
    expect(de.skills[java]?.label).toBe('Java (Computerprogrammierung)');
  });

  it('finds German-labelled skills in the issue ad with exact spans, and a nursing occupation for its title', async () => {
    const m = await buildLanguageMatcher(tax, de, { englishIndex: english });
    const found = findMentionsIn(m, ad);
    const wound = found.find((x) => tax.skills[x.index]?.label === 'carry out wound care' && x.kind === 'skill');
    expect(wound).toBeDefined();
    expect(ad.slice(wound!.start, wound!.end)).toBe('Wundversorgung');
    expect(wound!.language).toBe('de');
    expect(displayLabel(tax, de, 'skill', wound!.index)).toEqual({ label: 'Wundversorgung durchführen', language: 'de', fallback: false });
    for (const x of found) expect(ad.slice(x.start, x.end).length).toBe(x.end - x.start);
    const top = rankTitle(m, 'Pflegefachkraft (m/w/d)', { limit: 5 });
    expect(top.some((h) => /nurs/i.test(tax.occupations[h.index].label))).toBe(true);
  });

  it('matches gendered forms: pair, short forms and (m/w/d), with the ending in the span', async () => {
    const m = await buildLanguageMatcher(tax, de, { englishIndex: english });
    const dev = tax.occupations.findIndex((o) => o.label === 'software developer');
    for (const form of ['Softwareentwickler', 'Softwareentwicklerin', 'Softwareentwickler/in', 'Softwareentwickler:in', 'Softwareentwickler*in', 'SoftwareentwicklerIn', 'Softwareentwickler/Softwareentwicklerin']) {
      const text = `Wir suchen ${form} (m/w/d) in Berlin.`;
      const hit = findMentionsIn(m, text).find((x) => x.kind === 'occupation' && x.index === dev);
      expect(hit, form).toBeDefined();
      expect(text.slice(hit!.start, hit!.end)).toBe(form);
    }
    const text = 'Krankenpfleger/in gesucht';
    expect(spans(text, findMentionsIn(m, text).filter((x) => x.kind === 'occupation'))).toContain('Krankenpfleger/in');
  });

  it('does not let one noun of a gendered skill label ("Kunden/Kundinnen ... beraten") match it', async () => {
    const m = await buildLanguageMatcher(tax, de, { englishIndex: english });
    const text = 'Sie betreuen unsere Kunden und Patienten freundlich.';
    const skills = findMentionsIn(m, text).filter((x) => x.kind === 'skill');
    expect(skills.filter((x) => /^(Kunden|Patienten)$/.test(text.slice(x.start, x.end)))).toEqual([]);
    const whole = 'Sie werden Kunden über technische Möglichkeiten beraten.';
    const hit = findMentionsIn(m, whole).find((x) => x.kind === 'skill' && de.skills[x.index]?.label === 'Kunden/Kundinnen über technische Möglichkeiten beraten');
    expect(hit && whole.slice(hit.start, hit.end)).toBe('Kunden über technische Möglichkeiten beraten');
  });

  it('matches English tech terms in German text (mixed language), no overlap between the two', async () => {
    const m = await buildLanguageMatcher(tax, de, { englishIndex: english });
    const text = 'Erfahrung mit SQL, Java und Projektmanagement sind erwünscht.';
    const found = findMentionsIn(m, text);
    expect(spans(text, found)).toEqual(expect.arrayContaining(['SQL', 'Java']));
    const sorted = [...new Set(found.map((x) => `${x.start}:${x.end}`))].map((s) => s.split(':').map(Number));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][1]);
  });

  it('ranks occupation titles with typos', async () => {
    const m = await buildLanguageMatcher(tax, de, { englishIndex: english });
    const dev = tax.occupations.findIndex((o) => o.label === 'software developer');
    expect(rankTitle(m, 'Softwareentwickler/in', { limit: 3 }).map((h) => h.index)).toContain(dev);
    expect(rankTitle(m, 'Sofwareentwickler', { limit: 5 }).map((h) => h.index)).toContain(dev);
  });
});

describe('French', () => {
  it('matches French labels in a French ad and ranks a French title', async () => {
    const fr = await roundTrip(tax, 'fr', [
      src('v1.1.1/fr/occupations_fr.csv', 'occupation', 'official', '1.1.1'),
      src('v1.1.1/fr/ISCOGroups_fr.csv', 'iscoGroup', 'official', '1.1.1'),
      src('v1.1.1/fr/transversalSkillsCollection_fr.csv', 'skill', 'collection', '1.1.1'),
      src('v1.1.1/fr/languageSkillsCollection_fr.csv', 'skill', 'collection', '1.1.1'),
      src('v1.1.1/fr/digitalSkillsCollection_fr.csv', 'skill', 'collection', '1.1.1'),
    ]);
    const m = await buildLanguageMatcher(tax, fr, { englishIndex: english });
    const ad = "Nous recherchons un infirmier anesthésiste (H/F). Maîtrise de l'anglais et du travail en équipe.";
    const found = findMentionsIn(m, ad);
    const occ = found.find((x) => x.kind === 'occupation' && x.language === 'fr');
    expect(occ && ad.slice(occ.start, occ.end)).toBe('infirmier anesthésiste');
    expect(displayLabel(tax, fr, 'occupation', occ!.index)).toEqual({ label: 'infirmier anesthésiste/infirmière anesthésiste', language: 'fr', fallback: false });
    const anglais = found.find((x) => x.kind === 'skill' && tax.skills[x.index].label === 'English');
    expect(anglais && ad.slice(anglais.start, anglais.end)).toBe('anglais');
    const boucher = tax.occupations.findIndex((o) => o.label === 'butcher');
    expect(rankTitle(m, 'Boucher (h/f/x)', { limit: 3 }).map((h) => h.index)).toContain(boucher);
  });
});

describe('Spanish (occupation preferred labels only)', () => {
  it('matches Spanish occupation labels, English for skills, with the notice that says so', async () => {
    const es = await roundTrip(tax, 'es', [src('labels/occupations_es_v1.0.8.csv', 'occupation', 'partial', '1.0.8')]);
    expect(es.skills.filter(Boolean)).toHaveLength(0);
    const m = await buildLanguageMatcher(tax, es, { englishIndex: english });
    const ad = 'Se busca camarero para restaurante en Madrid, con conocimientos de SQL.';
    const found = findMentionsIn(m, ad);
    const waiter = found.find((x) => x.kind === 'occupation' && x.language === 'es');
    expect(waiter && ad.slice(waiter.start, waiter.end)).toBe('camarero');
    expect(tax.occupations[waiter!.index].label).toBe('waiter/waitress');
    expect(found.some((x) => x.kind === 'skill' && x.language === 'en' && ad.slice(x.start, x.end) === 'SQL')).toBe(true);
    const plan = planLanguage('es', [{ language: 'es', coverage: { skill: { labelled: 0, concepts: tax.skills.length } } }]);
    expect(plan.notice).toMatch(/no skill labels/);
  });
});

describe('no labels in the language', () => {
  it('falls back to English matching with a notice', async () => {
    const m = await buildLanguageMatcher(tax, undefined, { englishIndex: english });
    const text = 'Szukamy programisty Java z doświadczeniem w SQL.';
    expect(findMentionsIn(m, text).every((x) => x.language === 'en')).toBe(true);
    const plan = planLanguage('pl', []);
    expect(plan.matchLanguage).toBeNull();
    expect(plan.notice).toMatch(/Polish/);
  });
});

describe('synthetic pack round trip', () => {
  const t: Taxonomy = {
    format: 1, escoVersion: '1.2.0', language: 'en', contentHash: 'h', skillGroups: [],
    skills: [{ uri: 'u:s1', label: 'carry out wound care', altLabels: [], description: '', skillType: '', reuseLevel: '', groups: [] }],
    occupations: [{ uri: 'u:o1', label: 'baker', altLabels: [], description: '', iscoCode: '7512', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] }],
  };
  it('builds, loads and matches; the official file wins over the partial one; foreign URIs are counted', async () => {
    const inputs: LabelSourceInput[] = [
      { input: { name: 'skills_de_v1.0.3.csv', text: 'conceptUri,preferredLabel\nu:s1,Wunden versorgen\nu:other,Fremd\n' }, kind: 'skill', tier: 'partial', escoVersion: '1.0.3' },
      { input: { name: 'skills_de.csv', text: '\uFEFFconceptUri,preferredLabel,altLabels\nu:s1,Wundversorgung durchführen,"Wundpflege\nWundbehandlung"\n' }, kind: 'skill', tier: 'official', escoVersion: '1.2.0' },
      { input: { name: 'occupations_de.csv', text: 'conceptUri,preferredLabel,altLabels,hiddenLabels\nu:o1,Bäcker/Bäckerin,,Brotbäcker\n' }, kind: 'occupation', tier: 'official', escoVersion: '1.2.0' },
    ];
    const pack = await buildLabelPack(t, 'de', inputs);
    expect(pack.skills).toEqual([{ uri: 'u:s1', label: 'Wundversorgung durchführen', alt: ['Wundpflege', 'Wundbehandlung'] }]);
    expect(pack.coverage.skill).toMatchObject({ concepts: 1, labelled: 1, withAlt: 1, altLabels: 2 });
    expect(pack.sources.find((s) => s.file === 'skills_de_v1.0.3.csv')).toMatchObject({ used: 0, notInTaxonomy: 1 });
    expect(pack.contentHash).toBe((await buildLabelPack(t, 'de', [...inputs].reverse())).contentHash);
    const labels = attachLabelPack(t, validateLabelPack(JSON.parse(JSON.stringify(pack)), t));
    const m = await buildLanguageMatcher(t, labels);
    const text = 'Bäcker:in mit Wundpflege und Brotbäcker';
    expect(spans(text, findMentionsIn(m, text))).toEqual(['Bäcker:in', 'Wundpflege', 'Brotbäcker']);
  });

  it('refuses a pack of another taxonomy or format, and a file without the expected columns by name', async () => {
    const pack = await buildLabelPack(t, 'de', []);
    expect(() => validateLabelPack({ ...pack, taxonomyHash: 'x' }, t)).toThrow(/rebuild it/);
    expect(() => validateLabelPack({ ...pack, format: 99 })).toThrow(/format 99/);
    await expect(buildLabelPack(t, 'de', [{ input: { name: 'occupations_de.csv', text: 'uri,label\nu:o1,Bäcker\n' }, kind: 'occupation', tier: 'official', escoVersion: '1.2.0' }]))
      .rejects.toThrow(/occupations_de\.csv has no column "conceptUri"/);
    await expect(buildLabelPack(t, 'de', [{ input: { name: 'skills_xx.csv', text: 'conceptUri,preferredLabel\nfoo,bar\nbaz,qux\n' }, kind: 'skill', tier: 'official', escoVersion: '2.0.0' }]))
      .rejects.toThrow(/skills_xx\.csv: only 0 of 2 concept URIs/);
  });
});

describe('weak evidence in other languages (the built label packs, with their word frequencies)', () => {
  const pack = (language: string): LocalizedLabels => {
    const p = validateLabelPack(JSON.parse(readFileSync(`public/taxonomy/labels-${language}.json`, 'utf8')), tax);
    if (!p.wordFrequency) throw new Error(`public/taxonomy/labels-${language}.json has no word frequencies: run "npm run build:taxonomy" with PyPI reachable (wordfreq)`);
    return attachLabelPack(tax, p);
  };
  const mentions = async (language: string, text: string) => {
    const m = await buildLanguageMatcher(tax, pack(language), { englishIndex: english });
    return Object.fromEntries(findMentionsIn(m, text).filter((x) => x.kind === 'skill').map((x) => [text.slice(x.start, x.end), x.weak]));
  };

  it('marks a derived one-word object that is an everyday word ("Lager" of "Lager reinigen"), not a rare one', async () => {
    const found = await mentions('de', 'Sie arbeiten im Lager und bei der Wundversorgung.');
    expect(found.Lager).toBe(true);
    expect(found.Wundversorgung).toBe(false);
  });

  it('derives no object from a knowledge concept: Dutch "goede productiepraktijken" is a noun phrase, not "goede" + a verb', async () => {
    const found = await mentions('nl', 'Een goede collega met kennis van goede productiepraktijken.');
    expect(Object.keys(found)).toEqual(['goede productiepraktijken']);
  });

  it('marks the one-word labels of concepts English names with a stoplisted everyday word ("Energie" of "energy")', async () => {
    const found = await mentions('de', 'Gefördert vom Bundesministerium für Wirtschaft und Energie. Erfahrung mit Wundversorgung.');
    expect(found.Energie).toBe(true);
    expect(found.Wundversorgung).toBe(false);
  });

  it('judges the head of a qualified label in English too: "Source" of "Source (Videospielerstellungssysteme)" is weak, "Java" is not', async () => {
    const found = await mentions('de', 'Wir entwickeln Open Source und programmieren in Java.');
    expect(found.Source).toBe(true);
    expect(found.Java).toBe(false);
  });

  it('marks a one-word label found only through its stem ("Ökosystems" for "Ökosysteme"), not the word itself', async () => {
    expect((await mentions('de', 'Der Schutz des Ökosystems.'))['Ökosystems']).toBe(true);
    // a language's name found as a shorter word of its stem is another word (the country), not found
    const found = await mentions('fr', 'Une entreprise présente dans toute la France. Vous parlez français.');
    expect(found.France).toBeUndefined();
    expect(found['français']).toBe(false);
    // the label's word with an ending is the label
    expect((await mentions('de', 'Erfahrung mit Datenbanken.')).Datenbanken).toBe(false);
  });

  it("names ESCO's languages in every language through CLDR, inflected forms included; a name that is an everyday word is weak", async () => {
    const english = (found: Record<string, boolean>) => Object.keys(found);
    // Italian and Polish have no ESCO skill labels here; Polish declines the name ("angielski" -> "angielskiego")
    expect(await mentions('it', 'Ottima conoscenza della lingua inglese.')).toEqual({ inglese: true });
    expect(english(await mentions('pl', 'Znajomość języka angielskiego mile widziana.'))).toContain('angielskiego');
    // Spanish "finés" folds to "fines" (purposes): weak; "fin" (end) is a shorter word of its stem, not the name
    const es = await mentions('es', 'A fin de mes, para fines fiscales. Dominio del español.');
    expect(es.fines).toBe(true);
    expect(es.fin).toBeUndefined();
    expect(es['español']).toBe(true);
    // German: the compound with "Kenntnisse" is the name; the lower-case adjective is weak, not dropped
    const de = await mentions('de', 'Sehr gute Deutschkenntnisse, Meetings in englischer Sprache.');
    expect(de.Deutschkenntnisse).toBe(false);
    expect(de.englischer).toBe(true);
  });

  it("marks English labels that are everyday words of the text's language (false friends)", async () => {
    const found = await mentions('fr', 'Vous aimez transformer chaque visite. Vous maîtrisez JavaScript.');
    expect(found.transformer).toBe(true);
    expect(found.JavaScript).toBe(false);
  });
});
