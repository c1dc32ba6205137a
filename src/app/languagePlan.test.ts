// The app's language decisions: detected vs chosen language, the user's label language, the
// English-only model notice, the picker list from the pack index.
import { describe, expect, it } from 'vitest';
import type { LabelPackIndex } from '../core/labelPacks.ts';
import { availableFromIndex, chooseLanguage, enoughToDetect, labelVectorsText, modelLanguageNotice, resolvePlan } from './languagePlan.ts';

const cov = (skill: number, occupation: number) =>
  ({
    skill: { concepts: 100, labelled: skill, withAlt: 0, altLabels: 0, hiddenLabels: 0 },
    occupation: { concepts: 10, labelled: occupation, withAlt: 0, altLabels: 0, hiddenLabels: 0 },
    iscoGroup: { concepts: 1, labelled: 0, withAlt: 0, altLabels: 0, hiddenLabels: 0 },
    skillGroup: { concepts: 1, labelled: 0, withAlt: 0, altLabels: 0, hiddenLabels: 0 },
  }) as LabelPackIndex['packs'][number]['coverage'];

describe('chooseLanguage', () => {
  it('takes the user choice over the detected language', () => {
    expect(chooseLanguage({ language: 'de', reliable: true }, 'fr')).toBe('fr');
  });
  it('takes a reliable detection, and treats an unreliable or empty one as English', () => {
    expect(chooseLanguage({ language: 'de', reliable: true }, '')).toBe('de');
    expect(chooseLanguage({ language: 'de', reliable: false }, '')).toBe('en');
    expect(chooseLanguage({ language: '', reliable: false }, '')).toBe('en');
    expect(chooseLanguage(null, '')).toBe('en');
  });
});

describe('enoughToDetect', () => {
  it('needs 20 letters (typed prefixes of English words read as German or Dutch)', () => {
    expect(enoughToDetect('Experience wit')).toBe(false);
    expect(enoughToDetect('12345 67890 !!! Experien')).toBe(false);
    expect(enoughToDetect('Experience with Python')).toBe(true);
    expect(enoughToDetect('Führerschein erforderlich')).toBe(true);
  });
});

describe('resolvePlan', () => {
  const available = [{ language: 'de', skills: 90, occupations: 10 }];
  it('keeps the plan without a choice, with its notice', () => {
    expect(resolvePlan({ matchLanguage: 'de', displayLanguage: 'de', notice: 'n' }, '', available)).toEqual({ matchLanguage: 'de', displayLanguage: 'de', notices: ['n'] });
  });
  it('shows English or another language with labels when chosen, matching unchanged', () => {
    expect(resolvePlan({ matchLanguage: 'de', displayLanguage: 'de' }, 'en', available)).toEqual({ matchLanguage: 'de', displayLanguage: 'en', notices: [] });
    expect(resolvePlan({ matchLanguage: null, displayLanguage: 'en' }, 'de', available).displayLanguage).toBe('de');
  });
  it('ignores a chosen label language that has no pack', () => {
    expect(resolvePlan({ matchLanguage: null, displayLanguage: 'en' }, 'fi', available).displayLanguage).toBe('en');
  });
});

describe('modelLanguageNotice', () => {
  const english = { label: 'BGE small (English)', languages: ['en'] };
  it('says nothing for a multilingual model or English text', () => {
    expect(modelLanguageNotice({ label: 'BGE-M3', languages: 'multilingual' }, 'de', true)).toBeUndefined();
    expect(modelLanguageNotice(english, 'en', false)).toBeUndefined();
  });
  it('suggests bge-m3 for other text and says which labels still match', () => {
    const withLabels = modelLanguageNotice(english, 'de', true)!;
    expect(withLabels).toMatch(/English only/);
    expect(withLabels).toMatch(/bge-m3/);
    expect(withLabels).toMatch(/labels in German and English are still matched/);
    expect(modelLanguageNotice(english, 'fi', false)).toMatch(/English ESCO labels are still matched/);
  });
  it('says that a multilingual model reading other languages less surely shows fewer of their skills, and where the rest are', () => {
    const e5 = { label: 'multilingual-e5 small', languages: 'multilingual' as const, weakerOutsideEnglish: true };
    const german = modelLanguageNotice(e5, 'de', true)!;
    expect(german).toMatch(/reads German less surely than English/);
    expect(german).toMatch(/Lower the skill threshold/);
    expect(modelLanguageNotice(e5, 'en', true)).toBeUndefined();
    expect(modelLanguageNotice(e5, '', false)).toBeUndefined();
  });
});

describe('availableFromIndex', () => {
  it('lists languages sorted, with labelled skill and occupation counts', () => {
    const packs = [
      { language: 'fr', file: 'labels-fr.json', contentHash: 'x', bytes: 1, coverage: cov(20, 10) },
      { language: 'de', file: 'labels-de.json', contentHash: 'y', bytes: 1, coverage: cov(90, 10) },
    ];
    expect(availableFromIndex(packs)).toEqual([
      { language: 'de', skills: 90, occupations: 10 },
      { language: 'fr', skills: 20, occupations: 10 },
    ]);
  });
});

describe('labelVectorsText', () => {
  it("says whether the text's language labels are compared too, and why not", () => {
    expect(labelVectorsText({ language: 'de', phase: 'ready', rows: 14463 })).toBe('German text is also compared with 14,463 German skill labels embedded by this model');
    expect(labelVectorsText({ language: 'nl', phase: 'none' })).toMatch(/^no Dutch skill label vectors for this model: Dutch text is compared with the English skill labels$/);
    expect(labelVectorsText({ language: 'de', phase: 'failed', message: 'HTTP 500' })).toMatch(/German skill label vectors unavailable \(HTTP 500\)/);
  });
});
