// The occupation title search on a small made-up taxonomy: function words are not evidence, a
// compound's modifier is searched beside its head, hyphenated feminine endings are read.
import { describe, expect, it } from 'vitest';
import type { LocalizedLabels } from './labelPacks.ts';
import type { Taxonomy } from './taxonomy.ts';
import { TitleSearch } from './titleSearch.ts';

/** A taxonomy of occupations only (English labels), with the fields the title search reads. */
function taxonomy(labels: string[]): Taxonomy {
  return { language: 'en', occupations: labels.map((label, i) => ({ uri: `o${i}`, label, altLabels: [], isIscoGroup: false })) } as unknown as Taxonomy;
}

/** A label pack of one language for those rows. */
function pack(language: string, labels: string[]): LocalizedLabels {
  return { language, contentHash: '', skills: [], skillGroups: [], occupations: labels.map((uri, i) => ({ uri: `o${i}`, label: uri })) } as unknown as LocalizedLabels;
}

describe('TitleSearch', () => {
  const en = taxonomy(['veterinary pharmacologist and toxicologist', 'gynaecologist', 'obstetrician', 'art director', 'director of photography']);

  it('does not count shared function words as evidence', () => {
    const top = (s: TitleSearch, q: string) => en.occupations[s.search(q)[0].index].label;
    // with "and" indexed, a label that shares only "and" (and "-ologist" n-grams) outranks the gynaecologist
    const plain = new TitleSearch(en, { stopwords: false }).search('Obstetricians and Gynecologists', { limit: 5 }).map((h) => h.index);
    const clean = new TitleSearch(en).search('Obstetricians and Gynecologists', { limit: 5 }).map((h) => h.index);
    expect(plain.indexOf(0)).toBeLessThan(plain.indexOf(1));
    expect(clean.slice(0, 2).sort()).toEqual([1, 2]);
    expect(top(new TitleSearch(en), 'Director of Photography')).toBe('director of photography');
  });

  it('searches the modifier of a German compound beside its head', () => {
    // many labels end in "-techniker" (as in ESCO), so the head says little of which one
    const germanLabels = ['Ledertechniker', 'Lackierer', 'Theatertechniker', 'Buchhaltungsassistent', 'Leiter der Buchhaltung', 'Techniker', 'Assistent', 'Zahntechniker', 'Bautechniker', 'Holztechniker', 'Medientechniker', 'Tontechniker'];
    const de = pack('de', germanLabels);
    const tax = taxonomy(germanLabels.map((l) => `${l} (en)`));
    const s = new TitleSearch(tax, { english: false, languages: [{ labels: de }] });
    // the head "techniker" alone ranks every -techniker alike; "lackier" names the job
    expect(s.search('Lackiertechniker')[0].label).toBe('Lackierer');
    expect(new TitleSearch(tax, { english: false, languages: [{ labels: de }], modifierWeight: 0 }).search('Lackiertechniker')[0].label).not.toBe('Lackierer');
    // "der" is no evidence for "Leiter der Buchhaltung"
    expect(s.search('Assistenz der Buchhaltung')[0].label).toBe('Buchhaltungsassistent');
  });

  it('reads a hyphenated feminine ending as the word', () => {
    const fr = pack('fr', ['animateur', 'vendeur', 'employé polyvalent']);
    const s = new TitleSearch(taxonomy(['presenter', 'sales assistant', 'general worker']), { english: false, languages: [{ labels: fr }] });
    expect(s.search('Animateur-trice')[0]).toMatchObject({ label: 'animateur', exact: true });
    expect(s.search('Employé-e polyvalent-e')[0]).toMatchObject({ label: 'employé polyvalent', exact: true });
  });
});
