// Language detection on short ad texts, and the plan (labels to match, notice) per language.
import { describe, expect, it } from 'vitest';
import { detectLanguage, planLanguage } from './languageDetect.ts';

describe('detectLanguage', () => {
  it.each([
    ['de', 'Wir suchen eine Pflegefachkraft (m/w/d) mit Erfahrung in der Altenpflege.'],
    ['de', 'Softwareentwickler (m/w/d) Java'],
    ['fr', 'Nous recherchons un infirmier (H/F) pour notre équipe.'],
    ['fr', 'Boucher (h/f/x)'],
    ['en', 'We are looking for a software engineer with Python.'],
    ['es', 'Buscamos un enfermero con experiencia en cuidados intensivos.'],
    ['es', 'Se busca camarero para restaurante'],
    ['nl', 'Wij zoeken een verpleegkundige voor ons team.'],
  ])('detects %s in %j', (lang, text) => {
    expect(detectLanguage(text).language).toBe(lang);
  });

  it('says nothing for text without letters', () => {
    expect(detectLanguage('1234 5678').language).toBe('');
  });
});

describe('planLanguage', () => {
  const available = [
    { language: 'de', coverage: { skill: { labelled: 12755, concepts: 13939 }, occupation: { labelled: 3039, concepts: 3039 } } },
    { language: 'es', coverage: { skill: { labelled: 0, concepts: 13939 }, occupation: { labelled: 2937, concepts: 3039 } } },
  ];
  it('matches English alone for English text, with no notice', () => {
    expect(planLanguage('en', available)).toEqual({ matchLanguage: null, displayLanguage: 'en' });
  });
  it('matches the language and English where a pack exists', () => {
    expect(planLanguage('de', available)).toEqual({ matchLanguage: 'de', displayLanguage: 'de' });
  });
  it('tells when a pack has occupation labels only', () => {
    const p = planLanguage('es', available);
    expect(p.matchLanguage).toBe('es');
    expect(p.notice).toMatch(/no skill labels/);
  });
  it('falls back to English with a notice for a language without labels', () => {
    const p = planLanguage('ja', available);
    expect(p.matchLanguage).toBeNull();
    expect(p.displayLanguage).toBe('en');
    expect(p.notice).toMatch(/Japanese/);
    expect(p.notice).toMatch(/only English labels/);
    expect(p.notice).toMatch(/bge-m3/);
  });
});
