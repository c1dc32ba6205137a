// Gendered labels and job-ad gender markers (genderForms.ts).
import { describe, expect, it } from 'vitest';
import { genderEndingAt, genderedPair, labelVariants, stripGenderMarkers } from './genderForms.ts';

describe('gendered labels', () => {
  it('recognises masculine/feminine pairs and leaves other slashes alone', () => {
    expect(genderedPair('Softwareentwickler/Softwareentwicklerin')).toEqual(['Softwareentwickler', 'Softwareentwicklerin']);
    expect(genderedPair('Koch/Köchin')).toEqual(['Koch', 'Köchin']);
    expect(genderedPair('directeur technique/directrice technique')).toEqual(['directeur technique', 'directrice technique']);
    expect(genderedPair('TCP/IP')).toBeUndefined();
    expect(genderedPair('maintenir la configuration TCP/IP')).toBeUndefined();
    expect(genderedPair('input/output')).toBeUndefined();
  });

  it('reads a slash inside a longer label as two forms of one word, never the first word alone', () => {
    expect(genderedPair('Kunden/Kundinnen im Fitnessbereich motivieren')).toEqual(['Kunden im Fitnessbereich motivieren', 'Kundinnen im Fitnessbereich motivieren']);
    expect(genderedPair('mit Patienten/Patientinnen kommunizieren')).toEqual(['mit Patienten kommunizieren', 'mit Patientinnen kommunizieren']);
    const v = labelVariants('Patienten/Patientinnen für zahnmedizinische Eingriffe vorbereiten');
    expect(v).toContain('Patienten/innen für zahnmedizinische Eingriffe vorbereiten');
    expect(v).not.toContain('Patienten');
    expect(v.every((x) => x.includes('vorbereiten'))).toBe(true);
  });

  it('expands a pair into both forms and the short forms ads write', () => {
    const v = labelVariants('Softwareentwickler/Softwareentwicklerin');
    for (const f of ['Softwareentwickler', 'Softwareentwicklerin', 'Softwareentwickler/in', 'Softwareentwickler:in', 'Softwareentwickler*in', 'Softwareentwickler_in', 'Softwareentwickler(in)']) expect(v).toContain(f);
    expect(labelVariants('infirmier/infirmière')).toContain('infirmier/ère');
    expect(labelVariants('étudiant/étudiante')).toContain('étudiant.e');
    expect(labelVariants('Java')).toEqual(['Java']);
  });

  it('strips (m/w/d), (H/F), (h/f/x) and short feminine endings from queries', () => {
    expect(stripGenderMarkers('Pflegefachkraft (m/w/d)')).toBe('Pflegefachkraft');
    expect(stripGenderMarkers('Boucher (h/f/x)')).toBe('Boucher');
    expect(stripGenderMarkers('Infirmier (H/F)')).toBe('Infirmier');
    expect(stripGenderMarkers('Weinbautechniker/in (DI)')).toBe('Weinbautechniker (DI)');
    expect(stripGenderMarkers('Entwickler:in und Tester*innen')).toBe('Entwickler und Tester');
  });

  it('measures a glued feminine ending after a word', () => {
    const t = 'Krankenpfleger/in gesucht';
    expect(genderEndingAt(t, 'Krankenpfleger'.length)).toBe(3);
    expect(genderEndingAt('Entwickler:innen', 10)).toBe(6);
    expect(genderEndingAt('Java/SQL', 4)).toBe(0);
  });
});
