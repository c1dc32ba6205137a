// Label coverage: how much of a skill's label a passage says, rare words counting more than common
// ones, in the text's language or English; and which indexes a text is read with.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedLabels } from './labelPacks.ts';
import { buildLabelWords, labelCoverage, passageCoverage, passageKeys, textLabelWords, type LabelWordIndex } from './labelWords.ts';
import type { Taxonomy } from './taxonomy.ts';
import { loadStemmer, type WordKey } from './wordKeys.ts';

const LABELS: [string, string[]][] = [
  ['check deliveries on receipt', []],
  ['manage staff', []],
  ['manage budgets', []],
  ['manage time', []],
  ['solve problems', ['problem solving']],
  ['e-learning', []],
  ['evaluate tenders', []],
];
const taxonomy = {
  language: 'en',
  skills: LABELS.map(([label, altLabels], i) => ({ uri: `u:${i}`, label, altLabels, description: '', skillType: 'skill/competence', reuseLevel: '', groups: [] })),
  occupations: [],
  skillGroups: [],
} as unknown as Taxonomy;

/** A German pack labelling the first and last skill only. */
const german = {
  language: 'de',
  contentHash: 'x',
  skills: LABELS.map((_, i) => (i === 0 ? { uri: 'u:0', label: 'Lieferungen bei Erhalt prüfen' } : i === 6 ? { uri: 'u:6', label: 'Angebote bewerten' } : undefined)),
  occupations: [],
  skillGroups: [],
} as LocalizedLabels;

let en: WordKey | undefined;
let de: WordKey | undefined;
let index: LabelWordIndex;
const cover = (ix: LabelWordIndex, skill: number, passage: string) => labelCoverage(ix, skill, passageKeys(ix, passage));

beforeAll(async () => {
  en = await loadStemmer('en');
  de = await loadStemmer('de');
  index = buildLabelWords(taxonomy, en);
});

describe('label coverage', () => {
  it('is 1 where the passage says every content word of a label, in any inflection, and 0 where it says none', () => {
    expect(cover(index, 4, 'You enjoy solving problems.')).toBeCloseTo(1);
    expect(cover(index, 4, 'Strong problem-solving skills')).toBeCloseTo(1);
    expect(cover(index, 1, 'Drive a forklift')).toBe(0);
  });

  it('weighs a word by its rarity among the labels: a shared verb says less than the object', () => {
    // "manage" is in three labels, "staff" in one
    const verb = cover(index, 1, 'You will manage the shop');
    const object = cover(index, 1, 'Our staff are friendly');
    expect(verb).toBeGreaterThan(0);
    expect(object).toBeGreaterThan(verb);
    expect(verb + object).toBeCloseTo(1);
  });

  it('ignores function words and keeps one-letter words of a label ("e-learning" is not "self-learning")', () => {
    expect(cover(index, 0, 'check deliveries')).toBeLessThan(1);
    expect(cover(index, 0, 'on receipt check the deliveries')).toBeCloseTo(1);
    expect(cover(index, 5, 'Self-learning')).toBeLessThan(1);
    expect(cover(index, 5, 'e-learning platforms')).toBeCloseTo(1);
  });

  it('reads another language with its own labels and stemmer', () => {
    const ix = buildLabelWords(taxonomy, de, german);
    expect(ix.language).toBe('de');
    const c = cover(ix, 0, 'Im Wareneingang prüfen Sie die Lieferungen');
    expect(c).toBeGreaterThan(0.4);
    expect(c).toBeLessThan(1);
    expect(cover(ix, 6, 'Im Wareneingang prüfen Sie die Lieferungen')).toBe(0);
  });
});

describe('the indexes a text is read with', () => {
  it('English text: English; another language: its skill labels first, then English; a pack without skill labels: none', () => {
    const english = textLabelWords(taxonomy, en);
    expect(english.map((x) => x.language)).toEqual(['en']);
    // built once per taxonomy
    expect(textLabelWords(taxonomy, en)[0]).toBe(english[0]);
    expect(textLabelWords(taxonomy, en, german, de).map((x) => x.language)).toEqual(['de', 'en']);
    const occupationsOnly = { ...german, language: 'it', skills: LABELS.map(() => undefined) } as LocalizedLabels;
    expect(textLabelWords(taxonomy, en, occupationsOnly)).toEqual([]);
  });

  it("a skill the text's language has no label for gets no coverage unless the passage uses its English words", () => {
    const indexes = textLabelWords(taxonomy, en, german, de);
    const keys = (p: string) => indexes.map((ix) => passageKeys(ix, p));
    // no German label for "manage staff": nothing read, nothing moved
    expect(passageCoverage(indexes, keys('Sie führen ein kleines Team'), 1)).toBeUndefined();
    // an English term in a German ad
    expect(passageCoverage(indexes, keys('Sie lösen Problems mit Problem Solving'), 4)).toBeCloseTo(1);
    // a German label the passage does not use: coverage 0, which moves the score down
    expect(passageCoverage(indexes, keys('Sie führen ein kleines Team'), 6)).toBe(0);
  });
});
