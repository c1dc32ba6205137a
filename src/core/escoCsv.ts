// Turns the official ESCO CSV files (already read into strings) into the compact Taxonomy asset.
// Pure: file discovery and I/O live in scripts/build-taxonomy.ts. CSV parsing uses papaparse, which
// handles the quoted multi-line altLabels cells; the BOM some ESCO files start with is stripped here.
import Papa from 'papaparse';
import { canonicalJson, sha256Hex } from './hash.ts';
import { hashedTaxonomyContent, TAXONOMY_FORMAT, type OccupationConcept, type SkillConcept, type SkillGroupRef, type Taxonomy } from './taxonomy.ts';

export const OFFICIAL_DOWNLOAD_HINT =
  'Download the official CSV files of the classification from https://esco.ec.europa.eu/en/use-esco/download ' +
  '(format CSV, your language) and point ESCO_DIR at the unzipped folder.';

/** One input file: its name (for messages) and its text. */
export interface CsvInput {
  name: string;
  text: string;
}

export interface EscoInputs {
  escoVersion: string;
  language: string;
  skills: CsvInput;
  occupations: CsvInput;
  iscoGroups: CsvInput;
  occupationSkillRelations: CsvInput;
  /** Optional: without them skills carry no broader skill group and there is no hierarchy. */
  skillGroups?: CsvInput;
  broaderSkillRelations?: CsvInput;
}

export class EscoInputError extends Error {
  override name = 'EscoInputError';
  constructor(message: string) {
    super(`${message}\n${OFFICIAL_DOWNLOAD_HINT}`);
  }
}

type Row = Record<string, string>;

export function parseCsv(input: CsvInput, requiredColumns: string[]): Row[] {
  const text = input.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new EscoInputError(`${input.name} is empty`);
  const result = Papa.parse<Row>(text, { header: true, skipEmptyLines: 'greedy' });
  const fatal = result.errors.find((e) => e.type === 'Quotes' || e.type === 'Delimiter');
  if (fatal) throw new EscoInputError(`${input.name}: CSV error at row ${fatal.row ?? '?'}: ${fatal.message}`);
  const columns = result.meta.fields ?? [];
  for (const column of requiredColumns) {
    if (!columns.includes(column)) {
      throw new EscoInputError(`${input.name} has no column "${column}" (columns found: ${columns.join(', ') || 'none'})`);
    }
  }
  if (result.data.length === 0) throw new EscoInputError(`${input.name} has a header but no rows`);
  return result.data;
}

/** ESCO list cells hold one label per line. */
export function splitLabels(cell: string | undefined, exclude = ''): string[] {
  if (!cell) return [];
  const seen = new Set<string>([exclude.trim().toLowerCase()]);
  const out: string[] = [];
  for (const raw of cell.split(/\r?\n/)) {
    const label = raw.trim();
    const key = label.toLowerCase();
    if (label && !seen.has(key)) {
      seen.add(key);
      out.push(label);
    }
  }
  return out;
}

const clean = (s: string | undefined) => (s ?? '').trim();

/** The fields every concept has; a row without URI or label stops the build, naming file and row. */
function conceptBase(row: Row, file: CsvInput, i: number): { uri: string; label: string; altLabels: string[]; description: string } {
  const uri = clean(row.conceptUri);
  const label = clean(row.preferredLabel);
  if (!uri || !label) throw new EscoInputError(`${file.name} row ${i + 2}: empty conceptUri or preferredLabel`);
  return { uri, label, altLabels: splitLabels(row.altLabels, label), description: clean(row.description) };
}

export async function buildTaxonomy(inputs: EscoInputs): Promise<Taxonomy> {
  const skillRows = parseCsv(inputs.skills, ['conceptUri', 'preferredLabel', 'description']);
  const occupationRows = parseCsv(inputs.occupations, ['conceptUri', 'iscoGroup', 'preferredLabel']);
  const iscoRows = parseCsv(inputs.iscoGroups, ['conceptUri', 'code', 'preferredLabel']);
  const relationRows = parseCsv(inputs.occupationSkillRelations, ['occupationUri', 'relationType', 'skillUri']);

  const skillGroups: SkillGroupRef[] = [];
  const groupIndex = new Map<string, number>();
  if (inputs.skillGroups) {
    for (const row of parseCsv(inputs.skillGroups, ['conceptUri', 'preferredLabel'])) {
      groupIndex.set(clean(row.conceptUri), skillGroups.length);
      skillGroups.push({ uri: clean(row.conceptUri), label: clean(row.preferredLabel), code: clean(row.code) });
    }
  }

  const skills: SkillConcept[] = [];
  const skillIndex = new Map<string, number>();
  for (const [i, row] of skillRows.entries()) {
    const base = conceptBase(row, inputs.skills, i);
    if (skillIndex.has(base.uri)) continue;
    skillIndex.set(base.uri, skills.length);
    skills.push({
      ...base,
      skillType: clean(row.skillType),
      reuseLevel: clean(row.reuseLevel),
      groups: [],
    });
  }

  // The skill pillar's broader relations: skill -> group (kept as `groups`), and the hierarchy
  // itself, skill -> broader skill and group -> broader group. Told apart by what the URIs name,
  // not by the type columns, so files without them work too. Empty lists are left out of the asset.
  if (inputs.broaderSkillRelations) {
    const add = (list: number[] | undefined, i: number): number[] => {
      if (!list) return [i];
      if (!list.includes(i)) list.push(i);
      return list;
    };
    for (const row of parseCsv(inputs.broaderSkillRelations, ['conceptUri', 'broaderUri'])) {
      const narrower = clean(row.conceptUri);
      const broader = clean(row.broaderUri);
      const s = skillIndex.get(narrower);
      const g = groupIndex.get(broader);
      if (s !== undefined && g !== undefined) {
        if (!skills[s].groups.includes(g)) skills[s].groups.push(g);
        continue;
      }
      const b = skillIndex.get(broader);
      if (s !== undefined && b !== undefined && b !== s) {
        skills[s].broaderSkills = add(skills[s].broaderSkills, b);
        continue;
      }
      const ng = groupIndex.get(narrower);
      if (ng !== undefined && g !== undefined && g !== ng) skillGroups[ng].parents = add(skillGroups[ng].parents, g);
    }
  }

  const occupations: OccupationConcept[] = [];
  const occupationIndex = new Map<string, number>();
  const groupByCode = new Map<string, number>();
  for (const [i, row] of iscoRows.entries()) {
    const base = conceptBase(row, inputs.iscoGroups, i);
    groupByCode.set(clean(row.code), occupations.length);
    occupationIndex.set(base.uri, occupations.length);
    occupations.push({
      ...base,
      iscoCode: clean(row.code),
      isIscoGroup: true,
      parent: -1,
      essentialSkills: [],
      optionalSkills: [],
    });
  }
  for (const [i, row] of occupationRows.entries()) {
    const base = conceptBase(row, inputs.occupations, i);
    if (occupationIndex.has(base.uri)) continue;
    occupationIndex.set(base.uri, occupations.length);
    occupations.push({
      ...base,
      iscoCode: clean(row.iscoGroup),
      isIscoGroup: false,
      parent: groupByCode.get(clean(row.iscoGroup)) ?? -1,
      essentialSkills: [],
      optionalSkills: [],
    });
  }
  // An ISCO group's parent is the group whose code is one digit shorter ("2654" -> "265").
  for (const o of occupations) {
    if (o.isIscoGroup && o.iscoCode.length > 1) o.parent = groupByCode.get(o.iscoCode.slice(0, -1)) ?? -1;
  }

  for (const row of relationRows) {
    const o = occupationIndex.get(clean(row.occupationUri));
    const s = skillIndex.get(clean(row.skillUri));
    if (o === undefined || s === undefined) continue;
    const list = clean(row.relationType) === 'essential' ? occupations[o].essentialSkills : occupations[o].optionalSkills;
    if (!list.includes(s)) list.push(s);
  }

  const content = { escoVersion: inputs.escoVersion, language: inputs.language, skillGroups, skills, occupations };
  const contentHash = await sha256Hex(canonicalJson(hashedTaxonomyContent(content)));
  return { format: TAXONOMY_FORMAT, ...content, contentHash };
}
