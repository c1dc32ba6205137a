// Per-language ESCO label packs: ESCO labels of one language joined by concept URI to the English
// taxonomy asset, which stays untouched (its content hash is part of the embedding model hash).
// Built at build time by scripts/build-taxonomy.ts from official ESCO CSVs of the language (full
// files or collections), from the ESCO occupation label corpus with alternative labels
// (labels/occupations_xx_melo.csv) and from partial preferred-label files; loaded on demand by the app, the
// worker and the Node CLIs. Pure: parsing is escoCsv.ts's parseCsv, I/O lives in the callers.
//
// Precedence when several sources give a concept a label: official full files (skills_xx.csv,
// occupations_xx.csv, ISCOGroups_xx.csv, skillGroups_xx.csv) over official collections
// (digitalSkillsCollection_xx.csv, ...) over the occupation label corpus (labels/occupations_xx_melo.csv:
// preferred and alternative labels of an older ESCO version) over partial preferred-label files
// (labels/occupations_xx_v1.0.8.csv); within a tier
// the newer ESCO version wins. The winning source gives all of the concept's labels (no mixing of an
// old preferred label into a newer version's alternatives).
import { canonicalJson, sha256Hex } from './hash.ts';
import { EscoInputError, parseCsv, splitLabels, type CsvInput } from './escoCsv.ts';
import type { Taxonomy } from './taxonomy.ts';
import type { WordFrequencyTable } from './wordFrequency.ts';

// 2: packs carry the language's word frequencies (wordFrequency.ts).
export const LABEL_PACK_FORMAT = 2;

/** Which concepts a pack labels: the taxonomy's skills, occupations (ISCO groups counted apart), skill groups. */
export type PackKind = 'skill' | 'occupation' | 'iscoGroup' | 'skillGroup';
export const PACK_KINDS: readonly PackKind[] = ['skill', 'occupation', 'iscoGroup', 'skillGroup'];

/** Labels of one concept in the pack's language. `alt`/`hidden` are left out when empty (smaller asset). */
export interface PackEntry {
  uri: string;
  label: string;
  alt?: string[];
  hidden?: string[];
}

export interface KindCoverage {
  /** Concepts of this kind in the English taxonomy. */
  concepts: number;
  /** Of them, concepts with a preferred label in this language. */
  labelled: number;
  /** Concepts with at least one alternative (or hidden) label in this language. */
  withAlt: number;
  altLabels: number;
  hiddenLabels: number;
}

export interface PackSource {
  /** File name (not the full path: the asset must not depend on where the build ran). */
  file: string;
  escoVersion: string;
  tier: SourceTier;
  kind: PackKind;
  rows: number;
  /** Concepts this source labelled (it won over the sources after it). */
  used: number;
  /** Rows whose URI is not a concept of the taxonomy (renamed, deprecated, or another kind). */
  notInTaxonomy: number;
}

export interface LabelPack {
  format: number;
  language: string;
  /** The English taxonomy's ESCO version and content hash this pack was joined to. */
  taxonomyEscoVersion: string;
  taxonomyHash: string;
  /** SHA-256 over the canonical JSON of the pack content; the pack's version for caches. */
  contentHash: string;
  sources: PackSource[];
  coverage: Record<PackKind, KindCoverage>;
  skills: PackEntry[];
  occupations: PackEntry[];
  skillGroups: PackEntry[];
  /** How common the language's words are (wordFrequency.ts); absent where no list exists (Estonian). */
  wordFrequency?: WordFrequencyTable;
}

/** Small listing of the packs built, so a client learns the languages without loading any pack. */
export interface LabelPackIndex {
  format: number;
  taxonomyHash: string;
  packs: { language: string; file: string; contentHash: string; bytes: number; coverage: Record<PackKind, KindCoverage> }[];
}

/**
 * official: the language's full ESCO CSVs; collection: official subsets; corpus: the ESCO occupation
 * labels (preferred and alternative) of an older version, as gathered for the MELO benchmark;
 * partial: preferred labels only, from national crosswalk tables.
 */
export type SourceTier = 'official' | 'collection' | 'corpus' | 'partial';
const TIER_RANK: Record<SourceTier, number> = { official: 0, collection: 1, corpus: 2, partial: 3 };

/** One CSV file of a language: what it labels, how trustworthy it is, which ESCO version it is. */
export interface LabelSourceInput {
  input: CsvInput;
  kind: Exclude<PackKind, 'iscoGroup'> | 'iscoGroup';
  tier: SourceTier;
  escoVersion: string;
}

export class LabelPackError extends Error {
  override name = 'LabelPackError';
}

/** Orders "1.2.0" > "1.1.1" > "1.0.9"; unknown versions ("") last. */
function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] || 0) - (pa[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A source whose URIs mostly miss the taxonomy is not ESCO (or not of a compatible kind): refuse it
 * by name rather than ship an empty pack. Below this share of joined rows the file is rejected.
 */
export const MIN_JOIN_SHARE = 0.2;

/** Joins label sources of one language to the taxonomy by URI. Throws EscoInputError naming a bad file. */
export async function buildLabelPack(taxonomy: Taxonomy, language: string, inputs: LabelSourceInput[], wordFrequency?: WordFrequencyTable): Promise<LabelPack> {
  const indexOf: Record<PackKind, Map<string, number>> = {
    skill: new Map(taxonomy.skills.map((c, i) => [c.uri, i])),
    occupation: new Map(),
    iscoGroup: new Map(),
    skillGroup: new Map(taxonomy.skillGroups.map((g, i) => [g.uri, i])),
  };
  taxonomy.occupations.forEach((o, i) => indexOf[o.isIscoGroup ? 'iscoGroup' : 'occupation'].set(o.uri, i));

  const ordered = [...inputs].sort((a, b) =>
    TIER_RANK[a.tier] - TIER_RANK[b.tier] || compareVersionsDesc(a.escoVersion, b.escoVersion) || (a.input.name < b.input.name ? -1 : a.input.name > b.input.name ? 1 : 0));
  const won: Record<PackKind, Map<string, PackEntry>> = { skill: new Map(), occupation: new Map(), iscoGroup: new Map(), skillGroup: new Map() };
  const sources: PackSource[] = [];
  for (const src of ordered) {
    const rows = parseCsv(src.input, ['conceptUri', 'preferredLabel']);
    const file = src.input.name.split(/[\\/]/).pop() ?? src.input.name;
    const stat: PackSource = { file, escoVersion: src.escoVersion, tier: src.tier, kind: src.kind, rows: rows.length, used: 0, notInTaxonomy: 0 };
    // occupations files also list some ISCO groups (the partial ones do), so a row joins either kind
    const kinds: PackKind[] = src.kind === 'occupation' || src.kind === 'iscoGroup' ? ['occupation', 'iscoGroup'] : [src.kind];
    for (const row of rows) {
      const uri = (row.conceptUri ?? '').trim();
      const label = (row.preferredLabel ?? '').trim();
      const kind = kinds.find((k) => indexOf[k].has(uri));
      if (kind === undefined) {
        stat.notInTaxonomy++;
        continue;
      }
      if (!label || won[kind].has(uri)) continue;
      const entry: PackEntry = { uri, label };
      const alt = splitLabels(row.altLabels, label).flatMap((a) => (a.includes(' | ') ? a.split(' | ').map((x) => x.trim()).filter(Boolean) : [a]));
      const hidden = splitLabels(row.hiddenLabels, label);
      if (alt.length) entry.alt = alt;
      if (hidden.length) entry.hidden = hidden;
      won[kind].set(uri, entry);
      stat.used++;
    }
    if (rows.length > 0 && (rows.length - stat.notInTaxonomy) / rows.length < MIN_JOIN_SHARE) {
      throw new EscoInputError(
        `${src.input.name}: only ${rows.length - stat.notInTaxonomy} of ${rows.length} concept URIs are ${src.kind} concepts of ESCO v${taxonomy.escoVersion}; ` +
          `not an ESCO ${src.kind} file of a compatible version`,
      );
    }
    sources.push(stat);
  }

  // Entries in taxonomy row order, so a pack is deterministic whatever the file order was.
  const inOrder = (kinds: PackKind[], uris: string[]): PackEntry[] => {
    const out: PackEntry[] = [];
    for (const uri of uris) for (const k of kinds) { const e = won[k].get(uri); if (e) { out.push(e); break; } }
    return out;
  };
  const skills = inOrder(['skill'], taxonomy.skills.map((c) => c.uri));
  const occupations = inOrder(['occupation', 'iscoGroup'], taxonomy.occupations.map((c) => c.uri));
  const skillGroups = inOrder(['skillGroup'], taxonomy.skillGroups.map((g) => g.uri));

  const coverage = {} as Record<PackKind, KindCoverage>;
  for (const k of PACK_KINDS) {
    const entries = [...won[k].values()];
    coverage[k] = {
      concepts: indexOf[k].size,
      labelled: entries.length,
      withAlt: entries.filter((e) => e.alt || e.hidden).length,
      altLabels: entries.reduce((n, e) => n + (e.alt?.length ?? 0), 0),
      hiddenLabels: entries.reduce((n, e) => n + (e.hidden?.length ?? 0), 0),
    };
  }
  const content = { language, taxonomyEscoVersion: taxonomy.escoVersion, taxonomyHash: taxonomy.contentHash, sources, coverage, skills, occupations, skillGroups, ...(wordFrequency ? { wordFrequency } : {}) };
  const contentHash = await sha256Hex(canonicalJson(content));
  return { format: LABEL_PACK_FORMAT, ...content, contentHash };
}

/** Validates a parsed JSON value as a label pack (for `taxonomy` when given); throws LabelPackError. */
export function validateLabelPack(value: unknown, taxonomy?: Taxonomy): LabelPack {
  const p = value as Partial<LabelPack> | null;
  if (!p || typeof p !== 'object') throw new LabelPackError('label pack is not a JSON object');
  if (p.format !== LABEL_PACK_FORMAT) throw new LabelPackError(`label pack has format ${String(p.format)}, expected ${LABEL_PACK_FORMAT}: rebuild it with "npm run build:taxonomy"`);
  if (typeof p.language !== 'string' || !/^[a-z]{2,3}$/.test(p.language)) throw new LabelPackError('label pack lacks a language code');
  if (!Array.isArray(p.skills) || !Array.isArray(p.occupations) || !Array.isArray(p.skillGroups) || typeof p.contentHash !== 'string') {
    throw new LabelPackError(`label pack "${p.language}" lacks skills, occupations, skillGroups or contentHash`);
  }
  if (taxonomy && p.taxonomyHash !== taxonomy.contentHash) {
    throw new LabelPackError(`label pack "${p.language}" was built for taxonomy ${String(p.taxonomyHash).slice(0, 12)}, not ${taxonomy.contentHash.slice(0, 12)}: rebuild it with "npm run build:taxonomy"`);
  }
  return p as LabelPack;
}

export const labelPackAssetPath = (language: string): string => `taxonomy/labels-${language}.json`;
export const LABEL_PACK_INDEX_PATH = 'taxonomy/labels-index.json';

/** A pack's labels by taxonomy row: what the matcher, the title search and the UI read. */
export interface LocalizedLabels {
  language: string;
  contentHash: string;
  /** Index = row in taxonomy.skills / .occupations / .skillGroups; undefined where the language has no label. */
  skills: (PackEntry | undefined)[];
  occupations: (PackEntry | undefined)[];
  skillGroups: (PackEntry | undefined)[];
  wordFrequency?: WordFrequencyTable;
}

/** Attaches a pack to the taxonomy's rows by URI (entries whose URI the taxonomy lacks are ignored). */
export function attachLabelPack(taxonomy: Taxonomy, pack: LabelPack): LocalizedLabels {
  const place = <T extends { uri: string }>(rows: readonly T[], entries: PackEntry[]): (PackEntry | undefined)[] => {
    const byUri = new Map(entries.map((e) => [e.uri, e]));
    return rows.map((r) => byUri.get(r.uri));
  };
  return {
    language: pack.language,
    contentHash: pack.contentHash,
    skills: place(taxonomy.skills, pack.skills),
    occupations: place(taxonomy.occupations, pack.occupations),
    skillGroups: place(taxonomy.skillGroups, pack.skillGroups),
    ...(pack.wordFrequency ? { wordFrequency: pack.wordFrequency } : {}),
  };
}

/** The label to show for a concept: the language's preferred label, else English (marked). */
export function displayLabel(taxonomy: Taxonomy, labels: LocalizedLabels | undefined, kind: 'skill' | 'occupation', index: number): { label: string; language: string; fallback: boolean } {
  const entry = labels ? (kind === 'skill' ? labels.skills : labels.occupations)[index] : undefined;
  if (entry) return { label: entry.label, language: labels!.language, fallback: false };
  const c = kind === 'skill' ? taxonomy.skills[index] : taxonomy.occupations[index];
  return { label: c.label, language: taxonomy.language, fallback: labels !== undefined };
}
