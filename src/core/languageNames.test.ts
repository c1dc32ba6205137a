// ESCO's language concepts found by their CLDR names, and named in other languages.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languageConcepts, languageNamesIn } from './languageNames.ts';
import { validateTaxonomy } from './taxonomy.ts';

const tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
const row = (label: string) => tax.skills.findIndex((s) => s.label === label);

describe('language concepts', () => {
  it('finds the knowledge concepts that are languages, not the skills built on them', () => {
    const found = languageConcepts(tax);
    expect(found.get(row('English'))).toBe('en');
    expect(found.get(row('Polish'))).toBe('pl');
    expect(found.has(row('write English'))).toBe(false);
    // ESCO lists 74 languages; CLDR names most of them as ESCO does
    expect(found.size).toBeGreaterThanOrEqual(60);
    for (const i of found.keys()) expect(tax.skills[i].skillType).toBe('knowledge');
  });

  it('names them in the text language', () => {
    expect(languageNamesIn(tax, 'it').get(row('English'))).toBe('inglese');
    expect(languageNamesIn(tax, 'pl').get(row('German'))).toBe('niemiecki');
    expect(languageNamesIn(tax, 'not a locale!').size).toBe(0);
  });
});
