// The stored label index on fake-indexeddb: a stored index comes back and matches as the built one;
// another key finds nothing; a new key replaces the old entry; too little free space stores nothing.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex, findMentions } from '../core/lexical.ts';
import type { SkillConcept, Taxonomy } from '../core/taxonomy.ts';
import { lexicalCacheKey, loadStoredLexicalIndex, MIN_FREE_BYTES, storeLexicalIndex } from './lexicalCache.ts';

function skill(label: string, altLabels: string[] = []): SkillConcept {
  return { uri: `skill:${label}`, label, altLabels, description: '', skillType: 'knowledge', reuseLevel: '', groups: [] };
}

const TAX: Taxonomy = { format: 1, escoVersion: 'test', language: 'en', contentHash: 'h1', skillGroups: [], skills: [skill('Java (computer programming)'), skill('project management', ['managing projects'])], occupations: [] };
const roomy = async () => ({ quota: 10 * MIN_FREE_BYTES, usage: 0 });

describe('stored label index', () => {
  it('restores what was stored under the same key only, and replaces older entries', async () => {
    const index = buildLexicalIndex(TAX);
    const key = lexicalCacheKey('h1', 'bundle-a');
    expect(await storeLexicalIndex(key, index, roomy)).toBe(true);
    const text = 'Java and project management, managing projects.';
    const back = await loadStoredLexicalIndex(key);
    expect(back).not.toBeNull();
    expect(findMentions(back!, text)).toEqual(findMentions(index, text));
    expect(findMentions(back!, text).length).toBe(3);
    expect(await loadStoredLexicalIndex(lexicalCacheKey('h1', 'bundle-b'))).toBeNull();
    expect(await loadStoredLexicalIndex(lexicalCacheKey('h2', 'bundle-a'))).toBeNull();

    const next = lexicalCacheKey('h2', 'bundle-a');
    expect(await storeLexicalIndex(next, index, roomy)).toBe(true);
    expect(await loadStoredLexicalIndex(next)).not.toBeNull();
    expect(await loadStoredLexicalIndex(key)).toBeNull(); // dropped when the new one went in
  });

  it('stores nothing where free space is short or unknown', async () => {
    const index = buildLexicalIndex(TAX);
    const key = lexicalCacheKey('h3', 'bundle-a');
    expect(await storeLexicalIndex(key, index, async () => ({ quota: 20_000_000, usage: 13_000_000 }))).toBe(false);
    expect(await storeLexicalIndex(key, index, async () => undefined)).toBe(false);
    expect(await loadStoredLexicalIndex(key)).toBeNull();
  });
});
