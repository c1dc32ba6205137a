// titlePhrases: the shorter phrases of a long title, per language, with offsets into the source.
import { describe, expect, it } from 'vitest';
import { titlePhrases } from './titlePhrases.ts';

/** The phrases of a typed title as [text, cut], and each phrase's offsets checked against the title. */
function phrases(title: string, language?: string): [string, string][] {
  return titlePhrases({ text: title, start: 0, end: title.length }, language).map((p) => {
    expect(title.slice(p.start, p.end)).toBe(p.text);
    return [p.text, p.cut];
  });
}

describe('titlePhrases', () => {
  it('cuts before the complement of the job (purpose, place) in each language', () => {
    expect(phrases('Bibliothécaire pour la Bibliothèque George Orwell et la Librairie Stéphane Hessel', 'fr')).toEqual([['Bibliothécaire', 'complement']]);
    expect(phrases('Ingegnere meccanico junior per progettazione impianti', 'it')).toEqual([['Ingegnere meccanico junior', 'complement']]);
    expect(phrases('Pflegefachkraft für die Intensivstation', 'de')).toEqual([['Pflegefachkraft', 'complement']]);
    expect(phrases('Registered Nurse for the Intensive Care Unit', 'en')).toEqual([['Registered Nurse', 'complement']]);
  });

  it('gives the shortest phrase before an attribute or a coordination, and says which cut it is', () => {
    expect(phrases('Technicien de maintenance en nautisme', 'fr')).toEqual([['Technicien de maintenance', 'complement'], ['Technicien', 'attribute']]);
    expect(phrases('Responsable administratif et financier', 'fr')).toEqual([['Responsable administratif', 'coordination']]);
    expect(phrases('Assistenz der Buchhaltung', 'de')).toEqual([['Assistenz', 'attribute']]);
    // a comma ends the leading phrase too; the elided article is a word ("d’enfants")
    expect(phrases('Animateur-trice de groupes d’enfants, de jeunes et d’adultes', 'fr')).toEqual([['Animateur-trice de groupes d’enfants', 'complement'], ['Animateur-trice', 'attribute']]);
  });

  it('takes the noun phrase after a coordination in head-final languages only', () => {
    expect(phrases('Enthousiaste en zorgzame pedagogisch medewerker voor onze peutergroep', 'nl')).toEqual([
      ['Enthousiaste en zorgzame pedagogisch medewerker', 'complement'],
      ['Enthousiaste', 'coordination'],
      ['zorgzame pedagogisch medewerker', 'head'],
    ]);
    // Italian puts the head first: no tail phrase
    expect(phrases('Tecnico installatore e manutentore', 'it')).toEqual([['Tecnico installatore', 'coordination']]);
  });

  it('gives nothing for a one-phrase title, and only unambiguous words without a language', () => {
    expect(phrases('Child Care Bus Driver', 'en')).toEqual([]);
    expect(phrases('Elektriker')).toEqual([]);
    expect(phrases('Software Engineer in Test')).toEqual([]); // "in" is a word of many languages
    expect(phrases('Software Engineer for Payments')).toEqual([['Software Engineer', 'complement']]);
  });

  it('maps the phrases to offsets in the source the span was cleaned from', () => {
    const ad = 'Bibliothécaire (H/F)  pour la Bibliothèque\n\nLa ville recrute ...';
    const span = { text: 'Bibliothécaire pour la Bibliothèque', start: 0, end: 42 };
    const [p] = titlePhrases(span, 'fr', ad);
    expect(ad.slice(p.start, p.end)).toBe('Bibliothécaire');
    // a span that is not from this source gives no phrases rather than wrong offsets
    expect(titlePhrases(span, 'fr', 'something else')).toEqual([]);
  });
});
