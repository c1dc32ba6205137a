// `npm run build:taxonomy`: finds the official ESCO CSV files in a folder (ESCO_DIR, default
// ../shared/esco/v1.2.0/en), builds the compact taxonomy asset and writes it atomically to
// public/taxonomy/taxonomy.json with a build-info.json that records the inputs (so callers can tell
// when a rebuild is due). Exits non-zero with a message naming the file and column on bad input.
// Then the label packs of the other languages (src/core/labelPacks.ts): public/taxonomy/labels-<lang>.json
// and labels-index.json, from ESCO_LANG_SOURCES (folders and files separated by the path delimiter) or by
// default every language folder beside the English one, ../shared/esco/v1.1.1/fr and ../shared/esco/labels
// (partial preferred-label files, and occupations_<lang>_melo.csv: occupations and ISCO groups with their
// alternative labels in 20 languages; official full files win over both).
// The English asset does not depend on them (byte-identical with or without); a bad language source
// is reported by file name, that language's pack is left as it was, and the other languages are built.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildTaxonomy, EscoInputError, type CsvInput, type EscoInputs } from '../src/core/escoCsv.ts';
import { buildLabelPack, LABEL_PACK_FORMAT, PACK_KINDS, type LabelPack, type LabelPackIndex, type LabelSourceInput, type PackKind, type SourceTier } from '../src/core/labelPacks.ts';
import type { Taxonomy } from '../src/core/taxonomy.ts';
import type { WordFrequencyTable } from '../src/core/wordFrequency.ts';
import { wordFrequencyTables, WORD_FREQUENCY_SOURCE } from './wordFrequency.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TAXONOMY_DIR = join(ROOT, 'public', 'taxonomy');
export const TAXONOMY_FILE = join(TAXONOMY_DIR, 'taxonomy.json');
export const BUILD_INFO_FILE = join(TAXONOMY_DIR, 'build-info.json');

export interface TaxonomySource {
  dir: string;
  escoVersion: string;
  language: string;
  files: Record<keyof Omit<EscoInputs, 'escoVersion' | 'language'>, string | undefined>;
}

export function defaultEscoDir(): string {
  return resolve(process.env.ESCO_DIR ?? join(ROOT, '..', 'shared', 'esco', 'v1.2.0', 'en'));
}

/** Folders searched for the CSVs: the folder, its subfolders, and its siblings (v1.1.1 keeps relations apart). */
function searchDirs(dir: string): string[] {
  const subdirs = (d: string) =>
    existsSync(d) ? readdirSync(d).map((n) => join(d, n)).filter((p) => statSync(p).isDirectory()) : [];
  return [dir, ...subdirs(dir), ...subdirs(dirname(dir)).filter((d) => d !== dir)];
}

function findFile(dirs: string[], names: string[]): string | undefined {
  for (const name of names) {
    for (const d of dirs) {
      const p = join(d, name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export function locateSources(dir = defaultEscoDir(), language = process.env.ESCO_LANG ?? 'en'): TaxonomySource {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EscoInputError(`ESCO folder not found: ${dir}`);
  }
  const dirs = searchDirs(dir);
  const version = process.env.ESCO_VERSION ?? /v?(\d+\.\d+\.\d+)/.exec(dir)?.[1];
  if (!version) throw new EscoInputError(`cannot tell the ESCO version from the folder name ${dir}: set ESCO_VERSION (e.g. 1.2.0)`);
  const files: TaxonomySource['files'] = {
    skills: findFile(dirs, [`skills_${language}.csv`]),
    occupations: findFile(dirs, [`occupations_${language}.csv`]),
    iscoGroups: findFile(dirs, [`ISCOGroups_${language}.csv`]),
    occupationSkillRelations: findFile(dirs, [`occupationSkillRelations_${language}.csv`, 'occupationSkillRelations.csv']),
    skillGroups: findFile(dirs, [`skillGroups_${language}.csv`]),
    broaderSkillRelations: findFile(dirs, [`broaderRelationsSkillPillar_${language}.csv`, 'broaderRelationsSkillPillar.csv']),
  };
  const required = ['skills', 'occupations', 'iscoGroups', 'occupationSkillRelations'] as const;
  const missing = required.filter((k) => !files[k]);
  if (missing.length) {
    const expected = { skills: `skills_${language}.csv`, occupations: `occupations_${language}.csv`, iscoGroups: `ISCOGroups_${language}.csv`, occupationSkillRelations: `occupationSkillRelations[_${language}].csv` };
    throw new EscoInputError(`ESCO folder ${dir} lacks ${missing.map((k) => expected[k]).join(', ')}`);
  }
  return { dir, escoVersion: version, language, files };
}

/** What the asset was built from: file paths with size and mtime, compared to decide on a rebuild. */
export function inputFingerprint(source: TaxonomySource): Record<string, string> {
  const out: Record<string, string> = { escoVersion: source.escoVersion, language: source.language, builder: fileStamp(join(ROOT, 'src', 'core', 'escoCsv.ts')), wordFrequency: WORD_FREQUENCY_SOURCE };
  for (const [k, p] of Object.entries(source.files)) out[k] = p ? `${p}:${fileStamp(p)}` : 'none';
  return out;
}

function fileStamp(p: string): string {
  const s = statSync(p);
  return `${s.size}:${Math.round(s.mtimeMs)}`;
}

export function taxonomyIsUpToDate(source: TaxonomySource): boolean {
  if (!existsSync(TAXONOMY_FILE) || !existsSync(BUILD_INFO_FILE)) return false;
  try {
    const info = JSON.parse(readFileSync(BUILD_INFO_FILE, 'utf8')) as { inputs?: Record<string, string> };
    return JSON.stringify(info.inputs) === JSON.stringify(inputFingerprint(source));
  } catch {
    return false;
  }
}

const read = (p: string | undefined): CsvInput | undefined => (p ? { name: p, text: readFileSync(p, 'utf8') } : undefined);

export async function buildTaxonomyAsset(
  source: TaxonomySource,
  outFile = TAXONOMY_FILE,
): Promise<{ bytes: number; gzipBytes: number; ms: number; skills: number; occupations: number; broaderSkillLinks: number; groupLinks: number }> {
  const t0 = performance.now();
  const taxonomy = await buildTaxonomy({
    escoVersion: source.escoVersion,
    language: source.language,
    skills: read(source.files.skills)!,
    occupations: read(source.files.occupations)!,
    iscoGroups: read(source.files.iscoGroups)!,
    occupationSkillRelations: read(source.files.occupationSkillRelations)!,
    skillGroups: read(source.files.skillGroups),
    broaderSkillRelations: read(source.files.broaderSkillRelations),
  });
  const frequencies = tryWordFrequencyTables([source.language]);
  const wordFrequency = frequencies.get(source.language);
  if (wordFrequency) taxonomy.wordFrequency = wordFrequency;
  lastTaxonomy = taxonomy;
  const json = JSON.stringify(taxonomy);
  const outDir = dirname(outFile);
  mkdirSync(outDir, { recursive: true });
  // Write to temporary files and rename: a failed build never leaves a half-written asset.
  const tmp = `${outFile}.tmp-${process.pid}`;
  const infoFile = join(outDir, 'build-info.json');
  const infoTmp = `${infoFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, json);
    const info = {
      escoVersion: taxonomy.escoVersion,
      language: taxonomy.language,
      contentHash: taxonomy.contentHash,
      counts: { skills: taxonomy.skills.length, occupations: taxonomy.occupations.length, iscoGroups: taxonomy.occupations.filter((o) => o.isIscoGroup).length },
      // 'none' when the word frequencies could not be had: the next build tries again
      inputs: { ...inputFingerprint(source), wordFrequency: wordFrequency ? WORD_FREQUENCY_SOURCE : 'none' },
    };
    writeFileSync(infoTmp, JSON.stringify(info, null, 2));
    renameSync(tmp, outFile);
    renameSync(infoTmp, infoFile);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(infoTmp, { force: true });
  }
  return {
    bytes: Buffer.byteLength(json),
    gzipBytes: gzipSync(json).length,
    ms: performance.now() - t0,
    skills: taxonomy.skills.length,
    occupations: taxonomy.occupations.length,
    broaderSkillLinks: taxonomy.skills.reduce((n, s) => n + (s.broaderSkills?.length ?? 0), 0),
    groupLinks: taxonomy.skillGroups.reduce((n, g) => n + (g.parents?.length ?? 0), 0),
  };
}

/** The taxonomy the last buildTaxonomyAsset call made (the label packs join to it without re-reading it). */
let lastTaxonomy: Taxonomy | undefined;

// ---------------------------------------------------------------------------------------------------
// Label packs

/** One language's CSV files found in the sources, in no particular order (buildLabelPack ranks them). */
export interface LanguageSources {
  language: string;
  files: { path: string; kind: PackKind; tier: SourceTier; escoVersion: string }[];
}

const FULL_FILES: [RegExp, PackKind][] = [
  [/^skills_([a-z]{2,3})\.csv$/, 'skill'],
  [/^occupations_([a-z]{2,3})\.csv$/, 'occupation'],
  [/^ISCOGroups_([a-z]{2,3})\.csv$/, 'iscoGroup'],
  [/^skillGroups_([a-z]{2,3})\.csv$/, 'skillGroup'],
];
/** Official collections: subsets of the skills/occupations with all their labels. */
const COLLECTION_FILE = /^([a-zA-Z]+)(Skills|Occupations)Collection_([a-z]{2,3})\.csv$/;
/** Partial preferred-label files (labels/): occupations_es_v1.0.8.csv, skills_de_v1.0.3.csv. */
const PARTIAL_FILE = /^(skills|occupations)_([a-z]{2,3})_v(\d+\.\d+\.\d+)\.csv$/;
/**
 * The ESCO occupation label corpus (labels/occupations_sv_melo.csv): occupations and ISCO groups with
 * preferred and alternative labels (ESCO v1.0.x-v1.1.x, no version per file: '' sorts last in its tier).
 */
const CORPUS_FILE = /^occupations_([a-z]{2,3})_melo\.csv$/;

export function defaultLanguageSourceDirs(englishDir = defaultEscoDir()): string[] {
  const env = process.env.ESCO_LANG_SOURCES;
  if (env !== undefined) return env.split(process.platform === 'win32' ? ';' : ':').filter(Boolean).map((p) => resolve(p));
  const shared = join(ROOT, '..', 'shared', 'esco');
  const parent = dirname(englishDir);
  const siblings = existsSync(parent) ? readdirSync(parent).map((n) => join(parent, n)).filter((p) => p !== englishDir && statSync(p).isDirectory()) : [];
  return [...new Set([...siblings, join(shared, 'v1.1.1', 'fr'), join(shared, 'labels')].map((p) => resolve(p)))].filter((p) => existsSync(p));
}

/**
 * Groups the CSV files of the given folders (or single files) by language. A folder's ESCO version
 * comes from its path ("v1.1.1"); partial files carry it in their name. Files of the English
 * taxonomy's own language are skipped; files that are no label source (relations, hierarchy) too.
 */
export function locateLanguageSources(paths: string[], englishLanguage = 'en'): LanguageSources[] {
  const byLang = new Map<string, LanguageSources>();
  const add = (language: string, f: LanguageSources['files'][number]) => {
    if (language === englishLanguage) return;
    let l = byLang.get(language);
    if (!l) byLang.set(language, (l = { language, files: [] }));
    l.files.push(f);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new EscoInputError(`language source not found: ${p}`);
    const files = statSync(p).isDirectory() ? readdirSync(p).sort().map((n) => join(p, n)) : [p];
    const version = /v(\d+\.\d+\.\d+)/.exec(p)?.[1] ?? '';
    for (const path of files) {
      const name = basename(path);
      const partial = PARTIAL_FILE.exec(name);
      if (partial) {
        add(partial[2], { path, kind: partial[1] === 'skills' ? 'skill' : 'occupation', tier: 'partial', escoVersion: partial[3] });
        continue;
      }
      const corpus = CORPUS_FILE.exec(name);
      if (corpus) {
        add(corpus[1], { path, kind: 'occupation', tier: 'corpus', escoVersion: '' });
        continue;
      }
      const full = FULL_FILES.find(([re]) => re.test(name));
      if (full) {
        add(full[0].exec(name)![1], { path, kind: full[1], tier: 'official', escoVersion: version });
        continue;
      }
      const coll = COLLECTION_FILE.exec(name);
      if (coll) add(coll[3], { path, kind: coll[2] === 'Skills' ? 'skill' : 'occupation', tier: 'collection', escoVersion: version });
    }
  }
  return [...byLang.values()].sort((a, b) => (a.language < b.language ? -1 : 1));
}

export interface PackResult {
  language: string;
  file?: string;
  pack?: LabelPack;
  bytes?: number;
  error?: string;
}

/** Writes files atomically as a set: all temporaries first, then the renames; none left on failure. */
function writeAtomically(files: { path: string; text: string }[]): void {
  const tmps = files.map((f) => `${f.path}.tmp-${process.pid}`);
  try {
    files.forEach((f, i) => writeFileSync(tmps[i], f.text));
    files.forEach((f, i) => renameSync(tmps[i], f.path));
  } finally {
    for (const t of tmps) rmSync(t, { force: true });
  }
}

/**
 * Word frequency tables (scripts/wordFrequency.ts) for the label matcher's weak-evidence rule; without
 * them (PyPI unreachable and no cached wheel) the assets are still built, the rule is off, and the
 * build says so.
 */
function tryWordFrequencyTables(languages: string[]): Map<string, WordFrequencyTable> {
  try {
    return wordFrequencyTables(languages);
  } catch (e) {
    console.warn(`WARNING: no word frequencies, so one-word labels that are everyday words ("Bereich", "net") will match as strongly as names: ${e instanceof Error ? e.message : String(e)}`);
    return new Map();
  }
}

/** Builds one pack per language; a bad language is reported (error) and its old pack left untouched. */
export async function buildLabelPackAssets(taxonomy: Taxonomy, sources: LanguageSources[], outDir = TAXONOMY_DIR): Promise<PackResult[]> {
  mkdirSync(outDir, { recursive: true });
  const results: PackResult[] = [];
  const frequencies = tryWordFrequencyTables(sources.map((s) => s.language));
  for (const src of sources) {
    try {
      const inputs: LabelSourceInput[] = src.files.map((f) => ({ input: { name: f.path, text: readFileSync(f.path, 'utf8') }, kind: f.kind, tier: f.tier, escoVersion: f.escoVersion }));
      // collections only where the language has no full file of that kind (they are its subsets)
      const fullKinds = new Set(inputs.filter((i) => i.tier === 'official').map((i) => `${i.kind}:${i.escoVersion}`));
      const used = inputs.filter((i) => i.tier !== 'collection' || !fullKinds.has(`${i.kind}:${i.escoVersion}`));
      const pack = await buildLabelPack(taxonomy, src.language, used, frequencies.get(src.language));
      const file = `labels-${src.language}.json`;
      const text = JSON.stringify(pack);
      writeAtomically([{ path: join(outDir, file), text }]);
      results.push({ language: src.language, file, pack, bytes: Buffer.byteLength(text) });
    } catch (e) {
      results.push({ language: src.language, error: e instanceof Error ? e.message : String(e) });
    }
  }
  // The index lists every pack on disk that was built for this taxonomy (older good packs of a language that failed now included).
  const index: LabelPackIndex = { format: LABEL_PACK_FORMAT, taxonomyHash: taxonomy.contentHash, packs: [] };
  for (const name of readdirSync(outDir).filter((n) => /^labels-[a-z]{2,3}\.json$/.test(n)).sort()) {
    try {
      const text = readFileSync(join(outDir, name), 'utf8');
      const p = JSON.parse(text) as LabelPack;
      if (p.format !== LABEL_PACK_FORMAT || p.taxonomyHash !== taxonomy.contentHash) continue;
      index.packs.push({ language: p.language, file: name, contentHash: p.contentHash, bytes: Buffer.byteLength(text), coverage: p.coverage });
    } catch {
      // a pack that does not parse is left out of the index (never loaded)
    }
  }
  writeAtomically([{ path: join(outDir, 'labels-index.json'), text: JSON.stringify(index, null, 1) }]);
  return results;
}

/** The coverage table: one line per language, labelled/total per kind (alt labels in brackets). */
export function formatCoverage(results: PackResult[]): string {
  const head = ['lang', ...PACK_KINDS.map((k) => k), 'size'].map((s) => s.padEnd(22)).join('');
  const lines = [head];
  for (const r of results) {
    if (!r.pack) {
      lines.push(`${r.language.padEnd(22)}FAILED: ${r.error}`);
      continue;
    }
    const cells = PACK_KINDS.map((k) => {
      const c = r.pack!.coverage[k];
      return `${c.labelled}/${c.concepts}${c.altLabels + c.hiddenLabels ? ` (+${c.altLabels + c.hiddenLabels} alt)` : ''}`;
    });
    lines.push([r.language, ...cells, `${((r.bytes ?? 0) / 1e6).toFixed(2)} MB`].map((s) => s.padEnd(22)).join(''));
  }
  return lines.join('\n');
}

async function main() {
  let failed = false;
  try {
    const source = locateSources();
    console.log(`ESCO v${source.escoVersion} (${source.language}) from ${source.dir}`);
    const r = await buildTaxonomyAsset(source);
    console.log(
      `wrote ${basename(TAXONOMY_FILE)}: ${r.skills} skills, ${r.occupations} occupation-kind concepts; ` +
        `hierarchy: ${r.broaderSkillLinks} skill -> broader skill, ${r.groupLinks} group -> broader group links (not in the content hash); ` +
        `${(r.bytes / 1e6).toFixed(2)} MB raw, ${(r.gzipBytes / 1e6).toFixed(2)} MB gzipped; built in ${(r.ms / 1000).toFixed(2)} s`,
    );
    const langSources = locateLanguageSources(defaultLanguageSourceDirs(source.dir), source.language);
    const results = await buildLabelPackAssets(lastTaxonomy!, langSources);
    console.log(`label packs (labelled/concepts per kind):\n${formatCoverage(results)}`);
    for (const res of results) if (res.error) { failed = true; console.error(`label pack ${res.language} not rebuilt: ${res.error}`); }
  } catch (e) {
    console.error(`build:taxonomy failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
