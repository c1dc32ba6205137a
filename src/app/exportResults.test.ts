// Unit tests of the export formatting: JSON shape and RFC 4180 CSV quoting.
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../core/pipeline.ts';
import { defaultThresholds } from '../core/thresholds.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import { buildExport, CSV_COLUMNS, csvField, EXPORT_FORMAT, exportFileName, toCsv, toJson, type ExportInput } from './exportResults.ts';

const taxonomy: Taxonomy = {
  format: 1,
  escoVersion: '1.2.0',
  language: 'en',
  contentHash: 'abc',
  skillGroups: [],
  skills: [
    { uri: 'http://data.europa.eu/esco/skill/java', label: 'Java (computer programming)', altLabels: [], description: '', skillType: 'knowledge', reuseLevel: 'sector-specific', groups: [] },
    { uri: 'http://data.europa.eu/esco/skill/odd', label: 'say "hello", then\nleave', altLabels: [], description: '', skillType: 'skill/competence', reuseLevel: '', groups: [] },
  ],
  occupations: [
    { uri: 'http://data.europa.eu/esco/occupation/dev', label: 'software developer', altLabels: [], description: '', iscoCode: '2512', isIscoGroup: false, parent: -1, essentialSkills: [], optionalSkills: [] },
  ],
};

const text = 'We need Java, and "SQL".\nAlso teamwork.';

function cand(partial: Partial<Candidate> & Pick<Candidate, 'kind' | 'index'>): Candidate {
  return { retrieval: 0, lexical: 0, signals: [], evidence: [], firstOffset: 0, ...partial };
}

const input: ExportInput = {
  taxonomy,
  text,
  stage: 'reranked',
  thresholds: defaultThresholds('test'),
  modelHash: 'h4sh',
  models: { embedder: 'emb', reranker: 'rr' },
  exportedAt: '2026-01-31T12:00:00.000Z',
  skills: [
    {
      score: 1,
      candidate: cand({
        kind: 'skill',
        index: 0,
        lexical: 1,
        retrieval: 0.71234567,
        rerank: 0.9,
        signals: ['lexical', 'embedding', 'reranker'],
        firstOffset: 8,
        evidence: [
          { start: 0, end: 24, segmentIndex: 0, signal: 'embedding', score: 0.71234567, rerank: 0.9 },
          { start: 8, end: 12, segmentIndex: 0, signal: 'lexical', score: 1, label: 'Java' },
        ],
      }),
    },
    { score: 0.6, candidate: cand({ kind: 'skill', index: 1, retrieval: 0.6, signals: ['embedding'], firstOffset: 25, evidence: [{ start: 25, end: 39, segmentIndex: 1, signal: 'embedding', score: 0.6 }] }) },
  ],
  occupations: [{ score: 0.8, candidate: cand({ kind: 'occupation', index: 0, retrieval: 0.5, document: 0.8, signals: ['embedding', 'document'] }) }],
};

describe('variants folded into an entry', () => {
  it('are exported after their entry, marked with its URI, in JSON and CSV', () => {
    const [java, odd] = input.skills;
    const doc = buildExport({ ...input, skills: [{ ...java, variants: [odd] }] });
    expect(doc.skills.map((s) => [s.uri, s.variantOf])).toEqual([
      ['http://data.europa.eu/esco/skill/java', undefined],
      ['http://data.europa.eu/esco/skill/odd', 'http://data.europa.eu/esco/skill/java'],
    ]);
    const csv = toCsv(doc).trim().split('\r\n');
    expect(csv[0].endsWith(',variant_of')).toBe(true);
    expect(csv[1].endsWith(',')).toBe(true);
    expect(csv[csv.length - 2].endsWith(',http://data.europa.eu/esco/skill/java')).toBe(true);
  });
});

describe('buildExport / toJson', () => {
  it('has URIs, labels, kinds, scores, evidence with offsets and text, hash, version, timestamp', () => {
    const doc = JSON.parse(toJson(buildExport(input)));
    expect(doc.format).toBe(EXPORT_FORMAT);
    expect(doc.escoVersion).toBe('1.2.0');
    expect(doc.modelHash).toBe('h4sh');
    expect(doc.exportedAt).toBe('2026-01-31T12:00:00.000Z');
    expect(doc.textLength).toBe(text.length);
    expect(doc.skills).toHaveLength(2);
    expect(doc.occupations).toHaveLength(1);
    const java = doc.skills[0];
    expect(java).toMatchObject({
      kind: 'skill',
      uri: 'http://data.europa.eu/esco/skill/java',
      label: 'Java (computer programming)',
      score: 1,
      scores: { retrieval: 0.7123, rerank: 0.9, lexical: 1, document: null },
      skillType: 'knowledge',
      reuseLevel: 'sector-specific',
    });
    expect(java.evidence).toEqual([
      { start: 0, end: 24, text: 'We need Java, and "SQL".', signal: 'embedding', score: 0.7123, rerank: 0.9 },
      { start: 8, end: 12, text: 'Java', signal: 'lexical', score: 1 },
    ]);
    expect(doc.occupations[0]).toMatchObject({ kind: 'occupation', iscoCode: '2512', scores: { document: 0.8, rerank: null } });
  });
});

describe('csvField', () => {
  it('quotes commas, quotes, newlines and edge spaces, and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(0.5)).toBe('0.5');
    expect(csvField(null)).toBe('');
  });

  it('defuses spreadsheet formulas in text', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('+1,2')).toBe(`"'+1,2"`);
  });
});

describe('toCsv', () => {
  it('writes a header and one row per result, with RFC 4180 quoting', () => {
    const csv = toCsv(buildExport(input));
    expect(csv.endsWith('\r\n')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    // The odd label contains a newline inside quotes, so split on CRLF still yields one record per row.
    expect(lines.filter(Boolean)).toHaveLength(1 + 3);
    expect(lines[1].startsWith('skill,http://data.europa.eu/esco/skill/java,Java (computer programming),1,0.7123,0.9,1,,lexical embedding reranker,knowledge / sector-specific,8,')).toBe(true);
    expect(lines[1]).toContain('"0-24: We need Java, and ""SQL"". | 8-12: Java"');
    expect(lines[2]).toContain('"say ""hello"", then\nleave"');
    expect(lines[3].startsWith('occupation,http://data.europa.eu/esco/occupation/dev,software developer,0.8,0.5,,0,0.8,embedding document,ISCO 2512,0,,h4sh,1.2.0,')).toBe(true);
  });

  it('round-trips through a minimal RFC 4180 parser', () => {
    const rows = parseCsv(toCsv(buildExport(input)));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    expect(rows[2][2]).toBe('say "hello", then\nleave');
  });
});

describe('exportFileName', () => {
  it('is file-system safe', () => {
    expect(exportFileName('2026-01-31T12:00:00.000Z', 'csv')).toBe('esco-results-2026-01-31T12-00-00.csv');
  });
});

function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && csv[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('display labels in the export', () => {
  const labels = {
    language: 'de',
    contentHash: 'c',
    skills: [{ uri: 'http://data.europa.eu/esco/skill/java', label: 'Java (Programmierung)' }, undefined],
    occupations: [undefined],
    skillGroups: [],
  };
  it('keeps the English label and adds the shown one with its language, English marked where none exists', () => {
    const doc = buildExport({ ...input, labels, textLanguage: 'de' });
    expect(doc.textLanguage).toBe('de');
    expect(doc.displayLanguage).toBe('de');
    expect(doc.skills[0]).toMatchObject({ label: 'Java (computer programming)', labelLanguage: 'en', displayLabel: 'Java (Programmierung)', displayLanguage: 'de', displayFallback: false });
    expect(doc.skills[1]).toMatchObject({ displayLabel: 'say "hello", then\nleave', displayLanguage: 'en', displayFallback: true });
    const rows = parseCsv(toCsv(doc));
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(rows[1][col('label')]).toBe('Java (computer programming)');
    expect(rows[1][col('display_label')]).toBe('Java (Programmierung)');
    expect(rows[1][col('display_language')]).toBe('de');
    expect(rows[1][col('text_language')]).toBe('de');
  });
  it('shows English without labels', () => {
    const doc = buildExport(input);
    expect(doc.textLanguage).toBeNull();
    expect(doc.skills[0]).toMatchObject({ displayLabel: 'Java (computer programming)', displayLanguage: 'en', displayFallback: false });
  });
});
