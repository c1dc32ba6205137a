// Section detection: headings open sections that run to the next heading; boilerplate lines are
// found without a heading; job headings ("Requirements") end a skipped section.
import { describe, expect, it } from 'vitest';
import { detectSections, fold, SECTION_LABELS, sectionAt } from './sections.ts';

const AD = [
  'Senior Java Developer',
  'About us',
  'We are a leading provider of logistics software, founded in 1999.',
  'Our team spans five countries.',
  'Requirements',
  '- 5 years of Java and Spring',
  '- Experience with SQL databases',
  'What we offer:',
  '- Competitive salary and a company car',
  '- Training budget',
  'ACME is an equal opportunity employer and values diversity.',
  'To apply, send your CV to jobs@example.com.',
].join('\n');

const slice = (s: { start: number; end: number }) => AD.slice(s.start, s.end);

describe('detectSections', () => {
  it('finds company, benefits, legal and application sections with their reasons', () => {
    const sections = detectSections(AD);
    expect(sections.map((s) => s.reason)).toEqual(['company', 'benefits']);
    expect(slice(sections[0])).toBe('About us\nWe are a leading provider of logistics software, founded in 1999.\nOur team spans five countries.');
    expect(sections[0].heading).toBe('About us');
    expect(sections[0].label).toBe('company description');
    // The benefits heading runs to the end: the EEO and apply lines are inside it (no heading ends it).
    expect(slice(sections[1]).startsWith('What we offer:')).toBe(true);
    expect(slice(sections[1]).endsWith('jobs@example.com.')).toBe(true);
    expect(sections.every((s) => !s.analysed)).toBe(true);
  });

  it('leaves the job content alone', () => {
    const sections = detectSections(AD);
    const req = AD.indexOf('5 years of Java');
    expect(sectionAt(sections, req)).toBe(-1);
    expect(sectionAt(sections, AD.indexOf('Senior Java'))).toBe(-1);
    expect(sectionAt(sections, AD.indexOf('Training budget'))).toBe(1);
  });

  it('recognises boilerplate lines without a heading and merges consecutive ones', () => {
    const text = [
      'You will build data pipelines in Python.',
      'We are an equal opportunity employer.',
      'All qualified applicants will receive consideration without regard to race, religion, sex or disability.',
      'Please submit your resume through our website.',
    ].join('\n');
    const s = detectSections(text);
    expect(s.map((x) => x.reason)).toEqual(['legal', 'apply']);
    expect(text.slice(s[0].start, s[0].end)).toBe('We are an equal opportunity employer.\nAll qualified applicants will receive consideration without regard to race, religion, sex or disability.');
    expect(s[0].heading).toBeUndefined();
  });

  it('tolerates SkillSpan-style spacing and masked names, and ignores long lines that only start like a heading', () => {
    expect(detectSections('Job title\nWhat we offer :\nfree lunch').map((s) => s.reason)).toEqual(['benefits']);
    // SkillSpan masks the company name: "About <ORGANIZATION>" is the company blurb's heading.
    expect(detectSections('About <ORGANIZATION>\nstuff').map((s) => s.reason)).toEqual(['company']);
    expect(detectSections('Benefits of this role include working with Kubernetes, Terraform and many more tools every day.')).toEqual([]);
    expect(detectSections('')).toEqual([]);
  });
});

describe('detectSections: no false alarms on job content', () => {
  it('does not mistake "apply your knowledge" or benefits-like skills for boilerplate', () => {
    expect(detectSections("You'll be required to apply your depth of knowledge to all aspects of the software development lifecycle.")).toEqual([]);
    expect(detectSections('Experience with health information systems and insurance claims processing.')).toEqual([]);
    expect(detectSections('To apply for this role, please use the form below.').map((s) => s.reason)).toEqual(['apply']);
  });
});

/** The sections of `text` as [reason, text] pairs. */
const found = (text: string, options?: Parameters<typeof detectSections>[1]) => detectSections(text, options).map((s) => [s.reason, text.slice(s.start, s.end)]);
/** True when the line `needle` lies outside every section. */
const kept = (text: string, needle: string) => sectionAt(detectSections(text), text.indexOf(needle)) < 0;

describe('fold', () => {
  it('lowercases, strips diacritics and letters NFD keeps, masks and punctuation', () => {
    expect(fold('Über uns:')).toBe('uber uns');
    expect(fold('¿Qué ofrecemos?')).toBe('que ofrecemos');
    expect(fold('Zakres obowiązków / Wymagania')).toBe('zakres obowiazkow wymagania');
    expect(fold('Wyrażam zgodę, Łódź')).toBe('wyrazam zgode lodz');
    expect(fold('Großartige Vergütung')).toBe('grossartige vergutung');
    expect(fold('Qui sommes-nous ?')).toBe('qui sommes nous');
    expect(fold('About <ORGANIZATION>')).toBe('about organization');
  });
});

describe('detectSections: languages of European job ads', () => {
  it('German: headings open and job headings end sections; requirement lines stay', () => {
    const ad = [
      'Sachbearbeiter Einkauf (m/w/d)',
      'Über uns',
      'Seit über 40 Jahren liefern wir Verpackungen an Kunden in ganz Europa.',
      'Ihre Aufgaben',
      '- Sie bearbeiten Bestellungen in SAP',
      'Ihr Profil:',
      '- Sie haben Erfahrung im Kundenkontakt',
      '- Sicherer Umgang mit MS Excel',
      'Das bieten wir Ihnen',
      '- 30 Tage Urlaub',
      '- Spannende Aufgaben in einem tollen Team',
      'Interessiert?',
      'Dann freuen wir uns auf Ihre Bewerbung.',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits', 'apply']);
    expect(found(ad)[1][1]).toBe('Das bieten wir Ihnen\n- 30 Tage Urlaub\n- Spannende Aufgaben in einem tollen Team');
    for (const line of ['Bestellungen in SAP', 'Erfahrung im Kundenkontakt', 'MS Excel', 'Sachbearbeiter']) expect(kept(ad, line)).toBe(true);
  });

  it('German: boilerplate lines without a heading', () => {
    expect(found('Wir sind ein führendes Unternehmen der Logistikbranche mit 500 Mitarbeitenden.').map(([r]) => r)).toEqual(['company']);
    expect(found('Der Verein wurde 1998 gegründet und hat seinen Sitz in Bremen.').map(([r]) => r)).toEqual(['company']);
    expect(found('Bitte senden Sie Ihre vollständige Bewerbung bis zum 1. März an personal@example.de.').map(([r]) => r)).toEqual(['apply']);
    expect(found('Bewerben Sie sich jetzt!').map(([r]) => r)).toEqual(['apply']);
    expect(found('Wir freuen uns über Bewerbungen von Frauen und Menschen mit Behinderung.').map(([r]) => r)).toEqual(['legal']);
    expect(found('Schwerbehinderte Bewerberinnen und Bewerber werden bei gleicher Eignung bevorzugt.').map(([r]) => r)).toEqual(['legal']);
    expect(found('Wir bieten Ihnen eine unbefristete Stelle und flexible Arbeitszeiten.').map(([r]) => r)).toEqual(['benefits']);
    expect(found('Darauf können Sie sich freuen:\n- Jobrad').map(([r]) => r)).toEqual(['benefits']);
  });

  it('French: sections, and a closing call to apply skips only its own sentence', () => {
    const ad = [
      'Qui sommes-nous ?',
      'Fondée en 1998, notre société conçoit des meubles sur mesure.',
      'Vos missions :',
      '- Accueillir et conseiller les clients',
      'Votre profil :',
      '- Vous savez gérer une équipe',
      'Ce que nous offrons',
      '- Tickets restaurant et mutuelle',
      'Comment postuler ?',
      'Envoyez votre CV à recrutement@example.fr.',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits', 'apply']);
    expect(kept(ad, 'Vous savez gérer une équipe')).toBe(true);
    expect(kept(ad, 'Accueillir et conseiller')).toBe(true);
    const para = 'Vous savez nettoyer et repasser ? Vous aimez le travail bien fait ? Postulez dès maintenant !';
    expect(found(para)).toEqual([['apply', 'Postulez dès maintenant !']]);
    expect(found('Rémunération : 1 900 € brut par mois').map(([r]) => r)).toEqual(['benefits']);
    expect(found('Nous sommes une entreprise familiale de 30 personnes.').map(([r]) => r)).toEqual(['company']);
  });

  it('Dutch', () => {
    const ad = [
      'Over ons',
      'Wij zijn een snelgroeiende webwinkel in tuinartikelen.',
      'Wat ga je doen?',
      '- Je beantwoordt vragen van klanten',
      'Jouw profiel',
      '- Je hebt een rijbewijs B',
      'Wat wij bieden:',
      '- Een goed salaris en reiskostenvergoeding',
      'Stuur je cv en motivatie naar vacatures@example.nl.',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits']);
    expect(kept(ad, 'Je beantwoordt vragen')).toBe(true);
    expect(kept(ad, 'rijbewijs B')).toBe(true);
    expect(found('Het bedrijf is opgericht in 2005 in Utrecht.').map(([r]) => r)).toEqual(['company']);
    expect(found('Interesse? Stuur je cv naar jobs@example.nl.').map(([r]) => r)).toEqual(['apply']);
    expect(found('Acquisitie naar aanleiding van deze vacature wordt niet op prijs gesteld.').map(([r]) => r)).toEqual(['legal']);
  });

  it('Spanish', () => {
    const ad = [
      'Sobre nosotros',
      'Somos una empresa líder en distribución alimentaria.',
      'Tus funciones',
      '- Atender a los clientes en tienda',
      'Requisitos',
      '- Experiencia mínima de un año en atención al cliente',
      '¿Qué ofrecemos?',
      '- Contrato indefinido y salario competitivo',
      'Envía tu CV a empleo@example.es',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits']);
    expect(kept(ad, 'Atender a los clientes')).toBe(true);
    expect(kept(ad, 'Experiencia mínima')).toBe(true);
    expect(found('Si te interesa, envía tu CV a empleo@example.es.').map(([r]) => r)).toEqual(['apply']);
    expect(found('Promovemos la igualdad de oportunidades y la diversidad en la plantilla.').map(([r]) => r)).toEqual(['legal']);
  });

  it('Italian', () => {
    const ad = [
      'Chi siamo',
      'Siamo una società di consulenza informatica con sede a Milano.',
      'Le tue mansioni',
      '- Sviluppo di applicazioni web in Java',
      'Requisiti',
      '- Conoscenza di SQL',
      'Offriamo',
      '- Buoni pasto e welfare aziendale',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits']);
    expect(kept(ad, 'Sviluppo di applicazioni')).toBe(true);
    expect(kept(ad, 'Conoscenza di SQL')).toBe(true);
    expect(found('Invia il tuo CV a lavoro@example.it').map(([r]) => r)).toEqual(['apply']);
    expect(found("L'offerta è rivolta ad entrambi i sessi (L. 903/77).").map(([r]) => r)).toEqual(['legal']);
  });

  it('Polish, with the RODO consent clause', () => {
    const ad = [
      'O nas',
      'Jesteśmy liderem na rynku usług kurierskich.',
      'Zakres obowiązków:',
      '- obsługa klientów biura',
      'Wymagania:',
      '- znajomość pakietu MS Office',
      'Oferujemy:',
      '- umowę o pracę i prywatną opiekę medyczną',
      'Wyślij CV na adres praca@example.pl.',
      'Wyrażam zgodę na przetwarzanie moich danych osobowych dla potrzeb procesu rekrutacji.',
    ].join('\n');
    expect(found(ad).map(([r]) => r)).toEqual(['company', 'benefits']);
    expect(kept(ad, 'obsługa klientów')).toBe(true);
    expect(kept(ad, 'MS Office')).toBe(true);
    const tail = ['- znajomość pakietu MS Office', 'Wyślij CV na adres praca@example.pl.', 'Wyrażam zgodę na przetwarzanie moich danych osobowych dla potrzeb procesu rekrutacji.'].join('\n');
    expect(found(tail).map(([r]) => r)).toEqual(['apply', 'legal']);
  });

  it('Danish, Swedish and Portuguese headings', () => {
    expect(found('Vi tilbyder\n- pension\nDine opgaver\n- kundeservice').map(([r, t]) => [r, t])).toEqual([['benefits', 'Vi tilbyder\n- pension']]);
    expect(found('Om oss\nVi är ett ledande bolag.\nArbetsuppgifter\n- kundtjänst').map(([r]) => r)).toEqual(['company']);
    expect(found('O que oferecemos\n- seguro de saúde\nRequisitos\n- inglês fluente').map(([r, t]) => [r, t])).toEqual([['benefits', 'O que oferecemos\n- seguro de saúde']]);
  });
});

describe('detectSections: requirement lines are not boilerplate', () => {
  it.each([
    'Sie haben Erfahrung im Kundenkontakt.',
    'Vous savez gérer une équipe.',
    'Tolerant attitude towards people of other race, religion, nationality and sexual orientation.',
    'Sehr gute Kenntnisse der DSGVO und des Datenschutzes.',
    'Sie verarbeiten Daten in SAP und pflegen Stammdaten.',
    'Znajomość ustawy o ochronie danych osobowych.',
    'Begleitung von Menschen mit Behinderung im Alltag.',
    'Accompagnement des personnes en situation de handicap.',
    'Atención a personas con discapacidad.',
    'Promozione delle pari opportunità nei progetti formativi.',
    'Sie bieten unseren Kunden eine kompetente Beratung.',
    'You will be required to apply your knowledge of accounting.',
    'Kontakt mit Kunden und Lieferanten',
    '- Benefits administration and payroll',
  ])('%s', (line) => {
    expect(detectSections(line)).toEqual([]);
  });

  it('a list item is never a heading, and an unknown heading neither opens nor ends a section', () => {
    expect(detectSections('Requirements\n- Benefits\n- Java')).toEqual([]);
    expect(found('Benefits\n- Gym\nOffice life\n- Fruit').map(([r]) => r)).toEqual(['benefits']);
    expect(found('Benefits\n- Gym\nOffice life\n- Fruit')[0][1].endsWith('Fruit')).toBe(true);
  });

  it('a short "Label:" line ends a section (job-board metadata after "Compensation:")', () => {
    const text = 'Compensation:\n€50k - 65k\nJob type:\nFull-time\nIndustry:\nSoftware Development';
    expect(found(text)).toEqual([['benefits', 'Compensation:\n€50k - 65k']]);
  });

  it("skips the job details, a place, a contract, hours, in every language, and nothing after their values", () => {
    // a job board's block: each key a heading line, its value below it (es)
    const board = ['Tipo de empleo', 'Contrato temporal', 'Jornada completa', 'Turno y horario', 'Turno rotativo', 'Ubicación', '35629 Tuineje, Las Palmas provincia', 'Preparar las mesas antes y después del servicio. Retirar vajilla y cubertería sucia.'].join('\n');
    expect(found(board)).toEqual([
      ['details', 'Tipo de empleo\nContrato temporal\nJornada completa'],
      ['details', 'Turno y horario\nTurno rotativo'],
      ['details', 'Ubicación\n35629 Tuineje, Las Palmas provincia'],
    ]);
    // "key: value" lines (fr, de, en, pl), each skipped alone
    const lines = ['Vendeur (H/F)', 'Lieu : Les Ulis 91940', 'Type de poste : CDI - Temps plein', 'Arbeitsort: Berlin-Mitte', 'Job Type: Full-time', 'Miejsce pracy: Warszawa', 'Accueillir et conseiller nos clients'].join('\n');
    expect(found(lines).map(([r, t]) => [r, t])).toEqual([
      ['details', 'Lieu : Les Ulis 91940\nType de poste : CDI - Temps plein\nArbeitsort: Berlin-Mitte\nJob Type: Full-time\nMiejsce pracy: Warszawa'],
    ]);
    // a value that is a sentence, or a key that is not a detail, is the ad
    expect(detectSections('Location: you will work from our Ghent office. You maintain the servers and the network.')).toEqual([]);
    expect(detectSections('Skills: Java, SQL, Kubernetes')).toEqual([]);
    expect(found('Location\nLondon\nYou will design and maintain our data pipelines with Python.')).toEqual([['details', 'Location\nLondon']]);
    // inside another skipped section a details key is part of it
    expect(found('Benefits\n- Gym\nLocation\n- Fruit')).toEqual([['benefits', 'Benefits\n- Gym\nLocation\n- Fruit']]);
    // a list without bullets after the value is the ad again after at most four short lines
    expect(found('Location\nLondon\nJava\nSQL\nKubernetes\nTerraform\nPython')).toEqual([['details', 'Location\nLondon\nJava\nSQL\nKubernetes']]);
  });
});

describe('detectSections: heading lines', () => {
  const ad = ['Job description:', 'Build data pipelines in Python.', '  Stellenbeschreibung:  ', 'Wir bieten', '- Jobticket'].join('\n');

  it('are not returned by default', () => {
    expect(detectSections(ad).map((s) => s.reason)).toEqual(['benefits']);
  });

  it('with { headings: true } are one-line sections of their own, trimmed, without the text after them', () => {
    const s = detectSections(ad, { headings: true });
    expect(s.map((x) => [x.reason, ad.slice(x.start, x.end), x.heading, x.label])).toEqual([
      ['heading', 'Job description:', 'Job description:', 'section heading'],
      ['heading', 'Stellenbeschreibung:', 'Stellenbeschreibung:', 'section heading'],
      ['benefits', 'Wir bieten\n- Jobticket', 'Wir bieten', 'benefits section'],
    ]);
    expect(sectionAt(s, ad.indexOf('Build data'))).toBe(-1);
  });

  it('every reason has a UI label', () => {
    for (const reason of ['company', 'benefits', 'legal', 'apply', 'heading'] as const) expect(SECTION_LABELS[reason]).toBeTruthy();
  });
});
