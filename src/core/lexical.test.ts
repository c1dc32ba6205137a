// Tests for the lexical label matcher: exact semantics on a small synthetic taxonomy, then real
// behaviour (offsets, boundaries, guards, timings logged) on the built ESCO v1.2.0 asset.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STOP_LABELS, LEXICAL_INDEX_FORMAT, buildLexicalIndex, findMentions, foldPlural, restoreLexicalIndex, serializeLexicalIndex, type LexicalIndex, type LexicalMatch } from './lexical.ts';
import { validateTaxonomy, type ConceptKind, type OccupationConcept, type SkillConcept, type Taxonomy } from './taxonomy.ts';

function skill(label: string, altLabels: string[] = [], description = ''): SkillConcept {
  return { uri: `skill:${label}`, label, altLabels, description, skillType: 'knowledge', reuseLevel: '', groups: [] };
}

function occupation(label: string, altLabels: string[] = [], isIscoGroup = false): OccupationConcept {
  return {
    uri: `occupation:${label}`, label, altLabels, description: '', iscoCode: isIscoGroup ? '222' : '2221',
    isIscoGroup, parent: -1, essentialSkills: [], optionalSkills: [],
  };
}

function taxonomyOf(skills: SkillConcept[], occupations: OccupationConcept[] = []): Taxonomy {
  return { format: 1, escoVersion: 'test', language: 'en', contentHash: 'x', skillGroups: [], skills, occupations };
}

/** Compact view of matches: "kind:label@start-end[mention]". */
function view(tax: Taxonomy, text: string, matches: LexicalMatch[]): string[] {
  return matches.map((m) => {
    const concept = m.kind === 'skill' ? tax.skills[m.index] : tax.occupations[m.index];
    return `${m.kind}:${concept.label}@${m.start}-${m.end}[${text.slice(m.start, m.end)}]`;
  });
}

describe('foldPlural', () => {
  it('folds common English plurals onto the singular and leaves short or non-plural words alone', () => {
    expect(foldPlural('tools')).toBe(foldPlural('tool'));
    expect(foldPlural('technologies')).toBe(foldPlural('technology'));
    expect(foldPlural('watches')).toBe(foldPlural('watch'));
    expect(foldPlural('processes')).toBe(foldPlural('process'));
    expect(foldPlural('boxes')).toBe(foldPlural('box'));
    expect(foldPlural('headaches')).toBe(foldPlural('headache'));
    expect(foldPlural('status')).toBe('status');
    expect(foldPlural('analysis')).toBe('analysis');
    expect(foldPlural('class')).toBe('class');
    expect(foldPlural('gas')).toBe('gas');
  });
});

describe('lexical matcher on a synthetic taxonomy', () => {
  const tax = taxonomyOf(
    [
      skill('Java (computer programming)', ['Java']), // 0
      skill('JavaScript'), // 1
      skill('SQL'), // 2
      skill('database management systems', ['DBMS | SQL | Oracle Lite']), // 3
      skill('project management'), // 4
      skill('management'), // 5: single generic word, dropped by the default stoplist
      skill('C++'), // 6
      skill('C#'), // 7
      skill('R'), // 8: too short
      skill('ASP.NET'), // 9
      skill('Node.js'), // 10
      skill('node'), // 11: must not fire inside "Node.js"
      skill('café management'), // 12
      skill('use cafe tools', ['using café tools']), // 13
      skill('and the'), // 14: pure stopword label
      skill('LESS'), // 15: acronym
      skill('data processing', ['data', 'Salt']), // 16: "data" generic, "Salt" a proper name
      skill('machine learning'), // 17
      skill('learning'), // 18
    ],
    [
      occupation('software developer', ['programmer']), // 0
      occupation('Software developers', [], true), // 1: ISCO group
    ],
  );
  // descriptions are the corpus of the "common word" signal: make "data" and "salt" common
  tax.skills[16].description = 'data data data data, salt salt, the data';
  let index: LexicalIndex;
  beforeAll(() => {
    index = buildLexicalIndex(tax, { genericMinCount: 3, properNameMinCount: 2 });
  });

  it('reports label counts and what each guard dropped', () => {
    const s = index.stats;
    expect(s.excluded).toEqual({ tooShort: 1, stopword: 1, stoplist: 1, generic: 1 });
    expect(index.excludedCount).toBe(4);
    // 19 + 2 preferred, 6 alt strings of which one is a 3-item " | " list (+2), one derived head "Java"
    expect(s.taxonomyLabels).toBe(27);
    expect(s.derivedLabels).toBe(1);
    expect(s.candidateLabels).toBe(27 + 2 + 1);
    // the derived head "Java" repeats the alt label "Java" of the same concept
    expect(s.duplicates).toBe(1);
    expect(index.labelCount).toBe(s.candidateLabels - index.excludedCount - s.duplicates);
    expect(s.caseRestricted).toEqual({ acronym: 4, properName: 1 }); // SQL twice, DBMS, LESS; Salt
  });

  it('finds exact spans, sorted by start, with one match per concept sharing a span', () => {
    const text = 'Experience in Java programming and SQL.';
    const m = findMentions(index, text);
    expect(view(tax, text, m)).toEqual([
      'skill:Java (computer programming)@14-18[Java]',
      'skill:SQL@35-38[SQL]',
      'skill:database management systems@35-38[SQL]',
    ]);
    expect(m[0]).toMatchObject({ kind: 'skill', index: 0, label: 'Java', preferred: false, iscoGroup: false });
    expect(m[1]).toMatchObject({ index: 2, label: 'SQL', preferred: true });
    expect(m[2]).toMatchObject({ index: 3, label: 'SQL', preferred: false }); // an item of the " | " list
  });

  it('respects word boundaries, including labels with punctuation', () => {
    expect(view(tax, 'JavaScript', findMentions(index, 'JavaScript'))).toEqual(['skill:JavaScript@0-10[JavaScript]']);
    const text = 'C++, C#, ASP.NET, Node.js, Java/SQL, www.java.com, node graphs, I use Java.';
    expect(view(tax, text, findMentions(index, text))).toEqual([
      'skill:C++@0-3[C++]',
      'skill:C#@5-7[C#]',
      'skill:ASP.NET@9-16[ASP.NET]',
      'skill:Node.js@18-25[Node.js]',
      'skill:Java (computer programming)@27-31[Java]',
      'skill:SQL@32-35[SQL]',
      'skill:database management systems@32-35[SQL]',
      'skill:node@51-55[node]',
      'skill:Java (computer programming)@70-74[Java]',
    ]);
  });

  it('is case- and diacritic-insensitive in both directions', () => {
    const text = 'CAFÉ MANAGEMENT; Café Management; using cafe tools; Use Café Tools; JAVA';
    expect(view(tax, text, findMentions(index, text))).toEqual([
      'skill:café management@0-15[CAFÉ MANAGEMENT]',
      'skill:café management@17-32[Café Management]',
      'skill:use cafe tools@34-50[using cafe tools]',
      'skill:use cafe tools@52-66[Use Café Tools]',
      'skill:Java (computer programming)@68-72[JAVA]',
    ]);
    // the decomposed spelling (e + combining acute) and the composed one are the same label
    const decomposed = 'cafe\u0301 management';
    expect(findMentions(index, decomposed).map((x) => [x.index, x.start, x.end])).toEqual([[12, 0, decomposed.length]]);
  });

  it('keeps the longest of overlapping matches and every disjoint one', () => {
    const text = 'machine learning and learning, project management';
    expect(view(tax, text, findMentions(index, text))).toEqual([
      'skill:machine learning@0-16[machine learning]',
      'skill:learning@21-29[learning]',
      'skill:project management@31-49[project management]',
    ]);
  });

  it('applies the guards: short, stopword, stoplist, generic, acronym and proper-name labels', () => {
    const text = 'R and it; management; data; less is more; LESS; salt; Salt; R&D';
    expect(view(tax, text, findMentions(index, text))).toEqual([
      'skill:LESS@42-46[LESS]',
      'skill:data processing@54-58[Salt]',
    ]);
    // the same text with the guards off: what they kept out
    const open = buildLexicalIndex(tax, { minLabelChars: 1, stopLabels: [], genericMinCount: 0, properNameMinCount: 0 });
    expect(open.stats.excluded).toEqual({ tooShort: 0, stopword: 1, stoplist: 0, generic: 0 });
    const labels = findMentions(open, text).map((m) => text.slice(m.start, m.end));
    // "less" stays out (acronyms always need capitals) and so does the R of "R&D" (a glued compound)
    expect(labels).toEqual(['R', 'management', 'data', 'LESS', 'salt', 'Salt']);
  });

  it('flags ISCO groups and reports occupations with kind "occupation"', () => {
    const text = 'Senior software developers and programmers wanted';
    const m = findMentions(index, text);
    expect(m.map((x) => [x.kind, x.index, x.iscoGroup, text.slice(x.start, x.end)])).toEqual([
      ['occupation', 0, false, 'software developers'],
      ['occupation', 1, true, 'software developers'],
      ['occupation', 0, false, 'programmers'],
    ]);
  });

  it('keeps offsets exact after emoji, flags, ligatures and combining characters', () => {
    const text = '👩‍💻🇪🇺 e\u0301\u0301 ﬁne: Cafe\u0301 Management and Java';
    const m = findMentions(index, text);
    expect(view(tax, text, m)).toEqual([
      `skill:café management@${text.indexOf('Cafe')}-${text.indexOf(' and')}[Cafe\u0301 Management]`,
      `skill:Java (computer programming)@${text.indexOf('Java')}-${text.length}[Java]`,
    ]);
  });

  it('returns nothing for empty or label-free text', () => {
    expect(findMentions(index, '')).toEqual([]);
    expect(findMentions(index, '   \n\t ')).toEqual([]);
    expect(findMentions(index, 'nothing to see here')).toEqual([]);
  });

  it('lets callers extend the default stoplist', () => {
    const ix = buildLexicalIndex(tax, { stopLabels: [...DEFAULT_STOP_LABELS, 'machine learning'] });
    expect(view(tax, 'machine learning', findMentions(ix, 'machine learning'))).toEqual(['skill:learning@8-16[learning]']);
  });

  it('rejects an index it did not build', () => {
    const fake: LexicalIndex = { labelCount: 0, excludedCount: 0, stats: index.stats };
    expect(() => findMentions(fake, 'Java')).toThrow(TypeError);
  });
});

describe('weak evidence: labels that are everyday words', () => {
  const tax = taxonomyOf([
    skill('economics', ['banking']), // 0: alt label of a common word
    skill('Kubernetes'), // 1: a name, rare as a word
    skill('communication'), // 2: preferred label of a very common word
    skill('Java (computer programming)'), // 3: head "Java" names the concept (Zipf 4.0 < 4.5)
    skill('develop new products', ['new products']), // 4: alt label of common words only
    skill('SQL', ['sql']), // 5: acronym
    skill('Source (digital game creation systems)'), // 6: head "Source" is a very common word
  ]);
  const wordFrequency = { source: 5.15, banking: 4.35, communication: 4.68, java: 4.0, new: 6.2, products: 4.6, sql: 4.1, kubernetes: 2.5 };
  const index = buildLexicalIndex(tax, { wordFrequency, genericMinCount: 0 });
  const weakOf = (text: string) => Object.fromEntries(findMentions(index, text).map((m) => [text.slice(m.start, m.end), m.weak]));

  it('marks one common word as an alternative label (Zipf >= 4) and alternative labels of common words only, never a name', () => {
    // "communication" is the concept's preferred label: its name, strong however common
    expect(weakOf('banking, Kubernetes, communication, Java and new products')).toEqual({ banking: true, Kubernetes: false, communication: false, Java: false, 'new products': true });
    expect(weakOf('develop new products with SQL')).toEqual({ 'develop new products': false, SQL: false });
    // the acronym in capitals is strong; its lower-case alt label is one common word
    expect(weakOf('some sql')).toEqual({ sql: true });
    // the head of a qualified label is weak only when its word is very common (Zipf >= 4.5)
    expect(weakOf('open source')).toEqual({ source: true });
    expect(index.stats.weak).toBe(4);
  });

  it('marks a one-word alternative label that several concepts share, and the one-word labels of concepts the caller names', () => {
    const shared = taxonomyOf([
      skill('manage workflow processes', ['workflows']), // 0
      skill('develop working procedures', ['workflows']), // 1: the same word names two concepts
      skill('workflow automation', ['flows']), // 2: its own word
      skill('energy'), // 3: named by the caller
      skill('workflows'), // 4: a preferred label names its concept, shared or not
    ]);
    const idx = buildLexicalIndex(shared, { genericMinCount: 0, stopLabels: [], weakOneWordConcepts: (kind, i) => kind === 'skill' && i === 3 });
    const found = findMentions(idx, 'workflows, flows and energy');
    const weakOfConcept = (i: number) => found.find((m) => m.index === i)?.weak;
    expect([weakOfConcept(0), weakOfConcept(1), weakOfConcept(2), weakOfConcept(3), weakOfConcept(4)]).toEqual([true, true, false, true, false]);
  });

  it('marks the singular of a plural name when the singular is an everyday word ("security" of "securities"), not the name itself', () => {
    const plural = taxonomyOf([skill('securities'), skill('robotics'), skill('databases')]);
    const idx = buildLexicalIndex(plural, { wordFrequency: { security: 5.2, databases: 4.3 }, genericMinCount: 0 });
    const weak = (text: string) => Object.fromEntries(findMentions(idx, text).map((m) => [text.slice(m.start, m.end), m.weak]));
    expect(weak('security and Securities')).toEqual({ security: true, Securities: false });
    // a singular that is no everyday word ("robotic") stays strong, as does a plural text of a plural name
    expect(weak('robotic arms, databases and a database')).toEqual({ robotic: false, databases: false, database: true });
  });

  it("marks a language's English name that describes the next word ('the Danish region'), not one that names the language", () => {
    const langs = taxonomyOf([{ ...skill('Danish'), skillType: 'knowledge' }, { ...skill('English'), skillType: 'knowledge' }]);
    const idx = buildLexicalIndex(langs, { genericMinCount: 0 });
    const weak = (text: string) => findMentions(idx, text).map((m) => `${text.slice(m.start, m.end)}:${m.weak}`);
    expect(weak('the East Danish region')).toEqual(['Danish:true']);
    expect(weak('Danish and English are required, English-speaking team, fluent in Danish')).toEqual(['Danish:false', 'English:false', 'English:false', 'Danish:false']);
    // another language after it, or the end of a line, ends the name
    expect(weak('Danish English\nDanish\nteam')).toEqual(['Danish:false', 'English:false', 'Danish:false']);
  });

  it('has no weak labels without a frequency table', () => {
    const plain = buildLexicalIndex(tax, { genericMinCount: 0 });
    expect(plain.stats.weak).toBe(0);
    expect(findMentions(plain, 'banking').every((m) => !m.weak)).toBe(true);
  });
});

describe('lexical matcher on the ESCO taxonomy asset', () => {
  let tax: Taxonomy;
  let index: LexicalIndex;
  const find = (kind: ConceptKind, label: string): number => {
    const list: ReadonlyArray<{ label: string }> = kind === 'skill' ? tax.skills : tax.occupations;
    const i = list.findIndex((c) => c.label === label);
    if (i < 0) throw new Error(`no ${kind} "${label}" in the asset`);
    return i;
  };
  const spans = (text: string): string[] => view(tax, text, findMentions(index, text));

  beforeAll(() => {
    tax = validateTaxonomy(JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')));
    index = buildLexicalIndex(tax);
    const again = buildLexicalIndex(tax); // the first build also warms the JIT
    console.log(`lexical index: build ${index.stats.buildMs.toFixed(0)} ms cold, ${again.stats.buildMs.toFixed(0)} ms warm;`, JSON.stringify(index.stats));
  });

  it('indexes the taxonomy and says what the guards dropped', () => {
    const s = index.stats;
    expect(s.taxonomyLabels).toBe(tax.skills.reduce((n, c) => n + 1 + c.altLabels.length, 0) + tax.occupations.reduce((n, c) => n + 1 + c.altLabels.length, 0));
    expect(s.candidateLabels).toBeGreaterThan(s.taxonomyLabels); // " | " lists split into items
    expect(index.labelCount).toBeGreaterThan(100_000);
    expect(index.excludedCount).toBe(s.excluded.tooShort + s.excluded.stopword + s.excluded.stoplist + s.excluded.generic);
    for (const n of Object.values(s.excluded)) expect(n).toBeGreaterThan(0);
    expect(index.excludedCount).toBeLessThan(1000); // guards trim, they do not gut the index
  });

  it('finds SQL and Java with exact offsets', () => {
    const text = 'Experience in Java programming and SQL';
    const m = findMentions(index, text);
    const java = find('skill', 'Java (computer programming)');
    const sql = find('skill', 'SQL');
    expect(m).toContainEqual({ kind: 'skill', index: java, start: 14, end: 18, label: 'Java', preferred: false, iscoGroup: false, weak: false });
    expect(m).toContainEqual({ kind: 'skill', index: sql, start: 35, end: 38, label: 'SQL', preferred: true, iscoGroup: false, weak: false });
    for (const x of m) expect(['Java', 'SQL']).toContain(text.slice(x.start, x.end));
  });

  it('does not find Java inside JavaScript', () => {
    const java = find('skill', 'Java (computer programming)');
    const m = findMentions(index, 'Senior JavaScript engineer');
    expect(m.some((x) => x.kind === 'skill' && x.index === java)).toBe(false);
    expect(m).toContainEqual(expect.objectContaining({ index: find('skill', 'JavaScript'), start: 7, end: 17, preferred: true }));
  });

  it('matches regardless of case and diacritics', () => {
    const python = find('skill', 'Python (computer programming)');
    const m = findMentions(index, 'PYTHON and python');
    expect(m.filter((x) => x.index === python).map((x) => [x.start, x.end])).toEqual([[0, 6], [11, 17]]);
    expect(spans('Able to Prepare Canapes and use seance tools')).toEqual([
      'skill:prepare canapés@8-23[Prepare Canapes]',
      'skill:use séance tools@28-44[use seance tools]',
    ]);
    expect(spans('DANCE RÉPÉTITEUR')).toContain('occupation:dance répétiteur@0-16[DANCE RÉPÉTITEUR]');
  });

  it('keeps the longer of a real overlapping pair', () => {
    expect(spans('Microsoft Visual C++ and C++')).toEqual([
      'skill:Microsoft Visual C++@0-20[Microsoft Visual C++]',
      'skill:C++@25-28[C++]',
    ]);
    const agile = spans('agile project management');
    expect(agile).toEqual(['skill:Agile project management@0-24[agile project management]']);
  });

  it('does not fire generic or very short labels on ordinary prose', () => {
    const prose = 'We have a plan to provide extra energy to a medium-sized team. Our history of data, design and ' +
      'equipment is long; call us, less is more, wild ideas welcome. It is OK if PA or HR or IT re-check the report.';
    expect(spans(prose)).toEqual([]);
    // the guards are what keeps them out: without them the same prose is full of hits
    const open = buildLexicalIndex(tax, { minLabelChars: 1, stopLabels: [], genericMinCount: 0, properNameMinCount: 0 });
    const loose = findMentions(open, prose).map((m) => prose.slice(m.start, m.end).toLowerCase());
    console.log('prose hits without guards:', [...new Set(loose)].join(', '));
    expect(loose).toEqual(expect.arrayContaining(['plan', 'energy', 'history', 'data', 'design', 'equipment', 'hr']));
  });

  it('finds occupations, and flags ISCO groups', () => {
    const m = findMentions(index, 'We are hiring a software developer.');
    expect(m).toContainEqual(expect.objectContaining({ kind: 'occupation', index: find('occupation', 'software developer'), start: 16, end: 34, preferred: true, iscoGroup: false }));
    const group = find('occupation', 'Software developers');
    expect(tax.occupations[group].isIscoGroup).toBe(true);
    expect(m).toContainEqual(expect.objectContaining({ kind: 'occupation', index: group, start: 16, end: 34, iscoGroup: true }));
  });

  it('matches items of ESCO alt labels that are " | " lists', () => {
    const m = findMentions(index, 'Tasks tracked in Trello.');
    expect(m).toEqual([{ kind: 'skill', index: find('skill', 'use personal organization software'), start: 17, end: 23, label: 'Trello', preferred: false, iscoGroup: false, weak: false }]);
  });

  it('keeps offsets exact after emoji and combining characters', () => {
    const text = '👩‍💻 Cafe\u0301 crème 🇪🇺 e\u0301\u0301 — Java and SQL';
    const m = findMentions(index, text);
    const java = m.find((x) => x.index === find('skill', 'Java (computer programming)'));
    const sql = m.find((x) => x.index === find('skill', 'SQL'));
    expect(java && text.slice(java.start, java.end)).toBe('Java');
    expect(sql && text.slice(sql.start, sql.end)).toBe('SQL');
    expect(java?.start).toBe(text.indexOf('Java'));
  });

  it('returns [] for empty text', () => {
    expect(findMentions(index, '')).toEqual([]);
  });

  it('handles a 1,000-word ad and a 1 MB text (times logged)', () => {
    const corpus = tax.skills.slice(0, 3000).map((c) => c.description).join('\n');
    const words = corpus.split(/\s+/).slice(0, 1000).join(' ');
    findMentions(index, words); // warm up
    let t0 = performance.now();
    const small = findMentions(index, words);
    const smallMs = performance.now() - t0;
    let big = '';
    while (big.length < 1_000_000) big += `${corpus}\n`;
    big = big.slice(0, 1_000_000);
    t0 = performance.now();
    const large = findMentions(index, big);
    const bigMs = performance.now() - t0;
    console.log(`findMentions: 1,000 words ${smallMs.toFixed(2)} ms (${small.length} matches); 1 MB ${bigMs.toFixed(0)} ms (${large.length} matches)`);
    expect(small.length).toBeGreaterThan(10);
    expect(large.length).toBeGreaterThan(1000);
    // sorted by start, spans never overlap except the same span for several concepts
    for (let i = 1; i < large.length; i++) {
      const a = large[i - 1];
      const b = large[i];
      const sameSpan = a.start === b.start && a.end === b.end;
      expect(sameSpan || b.start >= a.end).toBe(true);
    }
  });

  it('restores a serialized index (through structured clone) that matches exactly as the built one', () => {
    const t0 = performance.now();
    const stored = structuredClone(serializeLexicalIndex(index));
    const restored = restoreLexicalIndex(stored);
    console.log(`lexical index: serialize + clone + restore ${(performance.now() - t0).toFixed(0)} ms`);
    expect(restored.labelCount).toBe(index.labelCount);
    expect(restored.excludedCount).toBe(index.excludedCount);
    expect(restored.stats).toEqual(index.stats);
    const texts = [
      'Senior Java developer (m/w/d): SQL, C++, C#, .NET and Node.js; project management, Kubernetes and Docker. Nurse, teacher.',
      'We need a LaTeX expert who can call the SQL and Python APIs, plan the budget and lead the team in www.java.com.',
      tax.skills.slice(0, 400).map((c) => c.label).join('. ') + ' ' + tax.occupations.slice(0, 200).map((c) => c.altLabels[0] ?? c.label).join(', '),
    ];
    for (const text of texts) {
      const want = findMentions(index, text);
      expect(want.length).toBeGreaterThan(0);
      expect(findMentions(restored, text)).toEqual(want);
    }
  });

  it('refuses serialized data of another format or with inconsistent sizes', () => {
    const data = serializeLexicalIndex(index);
    expect(() => restoreLexicalIndex({ ...data, format: LEXICAL_INDEX_FORMAT + 1 })).toThrow(/format/);
    expect(() => restoreLexicalIndex({ ...data, entryLabel: data.entryLabel.slice(1) })).toThrow(/inconsistent/);
    expect(() => restoreLexicalIndex({ ...data, vocab: data.vocab.slice(1) })).toThrow(/inconsistent/);
  });
});

describe('serializeLexicalIndex', () => {
  it('refuses an index built with a custom word key (a function cannot be stored)', () => {
    const tax = taxonomyOf([skill('project management')]);
    expect(() => serializeLexicalIndex(buildLexicalIndex(tax, { wordKey: (w) => w }))).toThrow(/wordKey/);
    const plain = restoreLexicalIndex(structuredClone(serializeLexicalIndex(buildLexicalIndex(tax, { foldPlurals: false }))));
    expect(findMentions(plain, 'project managements').length).toBe(0); // the fold setting travels with the data
    expect(findMentions(plain, 'project management').map((m) => [m.start, m.end])).toEqual([[0, 18]]);
  });
});
