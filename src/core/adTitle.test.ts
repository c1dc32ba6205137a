import { describe, expect, it } from 'vitest';
import { findAdTitle } from './adTitle.ts';

/** The title found, its evidence (the text at its offsets) and its parts. */
function title(text: string, language?: string) {
  const t = findAdTitle(text, { language });
  if (!t) return null;
  expect(text.slice(t.line.start, t.line.end)).toBe(text.slice(t.line.start, t.line.end).trim());
  for (const p of [t, ...t.parts]) {
    expect(p.start).toBeGreaterThanOrEqual(t.line.start);
    expect(p.end).toBeLessThanOrEqual(t.line.end);
  }
  return { text: t.text, evidence: text.slice(t.start, t.end), source: t.source, parts: t.parts.map((p) => [p.text, text.slice(p.start, p.end)]) };
}

const body = '\n\nWir sind ein Krankenhaus in Hamburg. Ihre Aufgaben: ...\n';

describe('findAdTitle', () => {
  it('reads the first line and strips gender markers, keeping exact offsets', () => {
    expect(title(`Pflegefachkraft (m/w/d) Intensivstation${body}`, 'de')).toEqual({
      text: 'Pflegefachkraft Intensivstation',
      evidence: 'Pflegefachkraft (m/w/d) Intensivstation',
      source: 'first-line',
      parts: [['Pflegefachkraft Intensivstation', 'Pflegefachkraft (m/w/d) Intensivstation']],
    });
    const text = `\n  Vendeur (H/F)\n\nVendeur / Vendeuse -\nLieu : Les Ulis 91940\n`;
    const t = findAdTitle(text, { language: 'fr' })!;
    expect(t).toMatchObject({ text: 'Vendeur', start: 3, end: 10 });
    expect(title('Elektriker m/w/d in Vollzeit\nIhre Aufgaben: Installation', 'de')!.text).toBe('Elektriker');
    expect(title('Enfermero/a\n\nLos enfermeros son una parte importante.', 'es')!.evidence).toBe('Enfermero/a');
  });

  it('removes placeholders, employer, place and contract tails, and splits parts at a spaced dash', () => {
    expect(title('Full Stack Java Developer ( Top Secret Clearance ) <ORGANIZATION> <LOCATION>\nDate posted: 2021', 'en')!.text).toBe('Full Stack Java Developer');
    expect(title('Backend Engineer at <ORGANIZATION> - The Mobile Wallet\nWe build...', 'en')!.parts.map((p) => p[0])).toEqual(['Backend Engineer', 'The Mobile Wallet']);
    expect(title('Java Developer – Full-time job – <LOCATION>\nAbout us', 'en')).toMatchObject({ text: 'Java Developer', evidence: 'Java Developer' });
    expect(title('Administrator*in bei der Open Knowledge Foundation Deutschland (50% E13/3, ab sofort)\nDie OKF ...', 'de')!.evidence).toBe('Administrator*in');
    expect(title('Software Engineer in Berlin\nWe are a startup.', 'en')!.text).toBe('Software Engineer');
    expect(title('Lagerist (w/m/d) – Fachkraft für Lagerlogistik\nAvanCarte ...', 'de')!.parts).toEqual([
      ['Lagerist', 'Lagerist'],
      ['Fachkraft für Lagerlogistik', 'Fachkraft für Lagerlogistik'],
    ]);
    expect(title('Koch (m/w/d) - Vollzeit\nRestaurant Zur Post', 'de')!.text).toBe('Koch');
  });

  it('reads title fields in several languages, a strong field over the first line', () => {
    expect(title('Stellenangebot\nStellenbezeichnung: Elektroniker für Betriebstechnik (m/w/d)\nStandort: Köln', 'de')).toMatchObject({ text: 'Elektroniker für Betriebstechnik', source: 'field' });
    expect(title('Offre d’emploi\nPoste : Infirmier de bloc opératoire H/F\nType de contrat : CDI', 'fr')).toMatchObject({ text: 'Infirmier de bloc opératoire', source: 'field' });
    expect(title('Vacature bij Bouwbedrijf Jansen\nFunctie: Elektricien\nUren: 40 per week', 'nl')).toMatchObject({ text: 'Elektricien', evidence: 'Elektricien', source: 'field' });
    expect(title('ACME Corp\nJob title:\nData Engineer (f/m/x)\nLocation: Remote', 'en')).toMatchObject({ text: 'Data Engineer', source: 'field' });
    expect(title('Ofertas de empleo\nPuesto: Camarero/a de sala\nJornada: completa', 'es')).toMatchObject({ text: 'Camarero/a de sala', source: 'field' });
    // a weak field ("Role:", a job board's category) only where the first line is no title
    expect(title('DevOps Engineer (CI CD)\nJob type: Full-time\nRole:\nBackend Developer DevOps', 'en')).toMatchObject({ text: 'DevOps Engineer', source: 'first-line' });
    expect(title('The Center for Protein Research offers one stipend in a network of labs\nTitle: PhD stipend Department of Proteomics Tenure: Three years\nMore', 'en')).toMatchObject({ text: 'PhD stipend Department of Proteomics', source: 'field' });
    // a contract value is no title
    expect(title('Position: Full-time\nWe are looking for people.', 'en')).toBeNull();
  });

  it('takes the title after a lead-in', () => {
    expect(title('Wir suchen eine Assistenz der Buchhaltung (Minijob oder studentische Hilfskraft, 10h, ab sofort)\n\nDie OKF ...', 'de')).toMatchObject({ text: 'Assistenz der Buchhaltung', source: 'lead-in' });
    expect(title('Nabór na stanowisko pracownika administracyjno-biurowego\n\nZarząd Stowarzyszenia ...', 'pl')).toMatchObject({ text: 'pracownika administracyjno-biurowego', source: 'lead-in' });
    expect(title('We are hiring a Data Engineer to join our platform team!\nAbout us', 'en')).toMatchObject({ text: 'Data Engineer', source: 'lead-in' });
    expect(title('Wij zoeken een elektricien voor onze klant in Utrecht\nWat ga je doen', 'nl')!.text).toBe('elektricien');
  });

  it('skips placeholder, date and "job offer" lines before the title', () => {
    expect(title('<ORGANIZATION>\nStellenangebot\nMaurer (m/w/d)\nWir bauen...', 'de')!.evidence).toBe('Maurer');
    expect(title('Vacature\nMonteur elektrische installaties\nWij zoeken...', 'nl')!.text).toBe('Monteur elektrische installaties');
  });

  it('returns null for a sentence, a CV, a heading or a text of one line', () => {
    expect(findAdTitle('Experience with Java and Kubernetes')).toBeNull();
    expect(findAdTitle('Senior Software Engineer')).toBeNull(); // a title needs a body under it
    expect(findAdTitle('We are looking for motivated people to join our street food concept.\nMore text')).toBeNull();
    expect(findAdTitle('Wir sind ein wachsendes Unternehmen in Berlin\nund suchen dich', { language: 'de' })).toBeNull();
    expect(findAdTitle('Nous sommes une entreprise familiale\nRejoignez-nous', { language: 'fr' })).toBeNull();
    expect(findAdTitle('Do you have what it takes to lead a new initiative?\nMore')).toBeNull();
    expect(findAdTitle('Curriculum Vitae\nMax Mustermann\nBerufserfahrung\n2019-2023 Softwareentwickler', { language: 'de' })).toBeNull();
    expect(findAdTitle('Maria Rossi\nData di nascita: 01/02/1990\nEsperienza: Infermiera', { language: 'it' })).toBeNull();
    expect(findAdTitle('About Us\nWe are a company.', { language: 'en' })).toBeNull();
    expect(findAdTitle('challenging position with great career opportunities\nMore', { language: 'en' })).toBeNull();
    expect(findAdTitle('Pioneer a brighter future\nMore', { language: 'en' })).toBeNull();
    expect(findAdTitle('Organization Name: Cement Division Project Management\nMore', { language: 'en' })).toBeNull();
    expect(findAdTitle('')).toBeNull();
  });

  it('keeps titles of one word and in sentence case, as most languages write them', () => {
    expect(title('Bezorger\n\nJobomschrijving\nWij zoeken een chauffeur', 'nl')!.text).toBe('Bezorger');
    expect(title('Construction worker\n\nA charity is looking for a worker.', 'en')!.text).toBe('Construction worker');
    expect(title('Animateur-trice de groupes d’enfants, de jeunes et d’adultes\n\nContrat « CPE »', 'fr')!.text).toBe('Animateur-trice de groupes d’enfants, de jeunes et d’adultes');
    expect(title('AYUDANTE CAMARERO/A\n\nPlayitas Resort', 'es')!.text).toBe('AYUDANTE CAMARERO/A');
    expect(title('iOS Developer\nWe build apps', 'en')!.text).toBe('iOS Developer');
  });

  it('gives the leading phrases of a long title with offsets into the ad, in the title\'s language', () => {
    const ad = 'Bibliothécaire (H/F) pour la Bibliothèque George Orwell\n\nContrat « Convention Premier Emploi »\n';
    const t = findAdTitle(ad, { language: 'fr' })!;
    expect(t.text).toBe('Bibliothécaire pour la Bibliothèque George Orwell');
    expect(t.phrases!.map((p) => [p.text, ad.slice(p.start, p.end), p.cut])).toEqual([['Bibliothécaire', 'Bibliothécaire', 'complement']]);
    // phrases of each part: "Fachkraft" of "Fachkraft für Lagerlogistik"
    const d = findAdTitle('Lagerist (w/m/d) – Fachkraft für Lagerlogistik\n\nAvanCarte ...\nMehr\n', { language: 'de' })!;
    expect(d.phrases!.map((p) => p.text)).toEqual(['Fachkraft']);
    expect(findAdTitle(`Pflegefachkraft (m/w/d)${body}`, { language: 'de' })!.phrases).toEqual([]);
  });
});
