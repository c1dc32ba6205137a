// The shared label matching of the page, the extract CLI and the HTTP service: which labels a text
// gets (detected or given language, English for short or unreliable text, no pack, a failed pack),
// that packs and matchers load once per language and a failed one is retried, and that the mentions
// are the multilingual matcher's. Real taxonomy and label packs (public/taxonomy/), read from disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachLabelPack, validateLabelPack } from './labelPacks.ts';
import { chooseLanguage, enoughToDetect, LabelMatching, type LabelMatchingHooks, type LabelPackSource } from './languageMatching.ts';
import { buildLexicalIndex, type LexicalIndex } from './lexical.ts';
import { buildLanguageMatcher, findMentionsIn } from './multilingualLexical.ts';
import { validateTaxonomy, type Taxonomy } from './taxonomy.ts';

const DIR = join(import.meta.dirname, '..', '..', 'public');
let tax: Taxonomy;
let english: LexicalIndex;
beforeAll(() => {
  tax = validateTaxonomy(JSON.parse(readFileSync(join(DIR, 'taxonomy', 'taxonomy.json'), 'utf8')));
  english = buildLexicalIndex(tax);
});

const GERMAN = 'Wir suchen eine Pflegefachkraft mit Erfahrung in der Wundversorgung. Kenntnisse in Java sind ein Plus, Sie arbeiten gern im Team.';
const ENGLISH_AD = 'We are looking for a nurse with experience in wound care and good communication skills.';

/** public/taxonomy read from disk, counting the reads; `fail` makes the next reads of a kind fail. */
function diskSource(fail: { index?: number; pack?: number } = {}) {
  const reads = { index: 0, pack: 0 };
  const source: LabelPackSource = {
    index: async () => {
      reads.index++;
      if (fail.index && fail.index-- > 0) throw new Error('HTTP 503 for labels-index.json');
      return JSON.parse(readFileSync(join(DIR, 'taxonomy', 'labels-index.json'), 'utf8'));
    },
    pack: async (language, entry) => {
      reads.pack++;
      if (fail.pack && fail.pack-- > 0) throw new Error(`HTTP 404 for ${entry.file}`);
      return JSON.parse(readFileSync(join(DIR, 'taxonomy', `labels-${language}.json`), 'utf8'));
    },
  };
  return { source, reads };
}

function recorder() {
  const events: string[] = [];
  const hooks: LabelMatchingHooks = {
    labelsLoading: (l) => events.push(`loading ${l}`),
    labelsLoaded: (l) => events.push(`loaded ${l}`),
    labelsFailed: (l) => events.push(`failed ${l}`),
    matcherReady: (l) => events.push(`ready ${l}`),
  };
  return { events, hooks };
}

describe('choosing the language', () => {
  it('takes the caller\'s language, else a reliable detection with enough letters, else English', () => {
    expect(chooseLanguage({ language: 'de', reliable: true }, 'fr')).toBe('fr');
    expect(chooseLanguage({ language: 'de', reliable: true }, '')).toBe('de');
    expect(chooseLanguage({ language: 'de', reliable: false }, '')).toBe('en');
    expect(chooseLanguage(null, '')).toBe('en');
    expect(enoughToDetect('Experience wit')).toBe(false);
    expect(enoughToDetect('Führerschein erforderlich')).toBe(true);
  });
});

describe('LabelMatching', () => {
  it('English text: English labels only, and not a byte of the packs read', async () => {
    const { source, reads } = diskSource();
    const m = new LabelMatching({ taxonomy: tax, englishIndex: english }, source);
    const r = await m.forText(ENGLISH_AD);
    expect(r.plan).toMatchObject({ language: 'en', matchLanguage: null, displayLanguage: 'en', packs: null, detected: { language: 'en', reliable: true } });
    expect(r.mentions).toBeUndefined();
    expect(r.labels).toBeUndefined();
    expect(r.notices).toEqual([]);
    expect(r.labelWords.map((x) => x.language)).toEqual(['en']);
    // a short text is English whatever ELD guesses
    expect((await m.plan('Erfahrung')).language).toBe('en');
    expect(reads).toEqual({ index: 0, pack: 0 });
  });

  it("German text: the German pack and matcher, built once, with the multilingual matcher's mentions", async () => {
    const { source, reads } = diskSource();
    const { events, hooks } = recorder();
    const m = new LabelMatching({ taxonomy: tax, englishIndex: english }, source, hooks);
    const [a, b] = await Promise.all([m.forText(GERMAN), m.forText(GERMAN)]);
    expect(a.plan).toMatchObject({ language: 'de', matchLanguage: 'de', displayLanguage: 'de', detected: { language: 'de', reliable: true } });
    expect(a.labels?.language).toBe('de');
    expect(b.labels).toBe(a.labels);
    expect(reads.pack).toBe(1);
    expect(events).toEqual(['loading de', 'loaded de', 'ready de']);
    expect(m.readyMatcher('de')).toBeDefined();
    const spans = a.mentions!(GERMAN).map((x) => GERMAN.slice(x.start, x.end));
    expect(spans).toEqual(expect.arrayContaining(['Wundversorgung', 'Java']));
    // the same mentions as a matcher built by hand over the same pack (what the page did before)
    const labels = attachLabelPack(tax, validateLabelPack(JSON.parse(readFileSync(join(DIR, 'taxonomy', 'labels-de.json'), 'utf8')), tax));
    const byHand = await buildLanguageMatcher(tax, labels, { englishIndex: english });
    expect(a.mentions!(GERMAN)).toEqual(findMentionsIn(byHand, GERMAN));
    // the skills' label words: German's first, then English's (ads mix in English terms)
    expect(a.labelWords.map((x) => x.language)).toEqual(['de', 'en']);
    expect(b.labelWords).toBe(a.labelWords);
    // the caller's language wins over the detected one
    const en = await m.forText(GERMAN, { language: 'en' });
    expect(en.plan).toMatchObject({ language: 'en', matchLanguage: null, detected: { language: 'de' } });
    expect(en.mentions).toBeUndefined();
    expect(en.labelWords.map((x) => x.language)).toEqual(['en']);
  });

  it('a language without a pack: English, with a notice', async () => {
    const { source } = diskSource();
    const m = new LabelMatching({ taxonomy: tax, englishIndex: english }, source);
    const r = await m.forText('Etsimme kokenutta sairaanhoitajaa, jolla on kokemusta haavanhoidosta ja hyvät vuorovaikutustaidot.');
    expect(r.plan).toMatchObject({ language: 'fi', matchLanguage: null, displayLanguage: 'en' });
    expect(r.mentions).toBeUndefined();
    expect(r.notices.join(' ')).toMatch(/ESCO labels in Finnish are not available/);
    // English label words would say nothing about Finnish text: none, so no skill's score moves
    expect(r.labelWords).toEqual([]);
  });

  it('a pack or an index that fails: English with a notice, and retried on the next text', async () => {
    const { source, reads } = diskSource({ pack: 1 });
    const { events, hooks } = recorder();
    const m = new LabelMatching({ taxonomy: tax, englishIndex: english }, source, hooks);
    const first = await m.forText(GERMAN);
    expect(first.mentions).toBeUndefined();
    expect(first.labels).toBeUndefined();
    expect(first.notices).toEqual(['German labels could not be loaded (HTTP 404 for labels-de.json); English labels are matched and shown instead.']);
    expect(events).toEqual(['loading de', 'failed de']);
    const second = await m.forText(GERMAN);
    expect(second.mentions).toBeDefined();
    expect(second.notices).toEqual([]);
    expect(reads.pack).toBe(2);

    const broken = new LabelMatching({ taxonomy: tax, englishIndex: english }, diskSource({ index: 1 }).source);
    const r = await broken.forText(GERMAN);
    expect(r.plan).toMatchObject({ language: 'de', matchLanguage: null, displayLanguage: 'en' });
    expect(r.notices[0]).toMatch(/^The list of label languages could not be loaded \(HTTP 503/);
    expect((await broken.forText(GERMAN)).mentions).toBeDefined();
  });

  it('without a taxonomy yet (the page before it loads): rejects, and loads once it is there', async () => {
    let ctx: { taxonomy: Taxonomy; englishIndex: LexicalIndex } | undefined;
    const m = new LabelMatching(() => ctx, diskSource().source);
    await expect(m.labels('de')).rejects.toThrow('the taxonomy is not loaded');
    await expect(m.englishMatcher()).rejects.toThrow('the taxonomy is not loaded yet');
    ctx = { taxonomy: tax, englishIndex: english };
    expect((await m.labels('de')).language).toBe('de');
  });
});
