// `npm run build:taxonomy`: finds the official ESCO CSV files in a folder (ESCO_DIR, default
// ../shared/esco/v1.2.0/en), builds the compact taxonomy asset and writes it atomically to
// public/taxonomy/taxonomy.json with a build-info.json that records the inputs (so callers can tell
// when a rebuild is due). Exits non-zero with a message naming the file and column on bad input.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { buildTaxonomy, EscoInputError, type CsvInput, type EscoInputs } from '../src/core/escoCsv.ts';

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
  const out: Record<string, string> = { escoVersion: source.escoVersion, language: source.language, builder: fileStamp(join(ROOT, 'src', 'core', 'escoCsv.ts')) };
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

export async function buildTaxonomyAsset(source: TaxonomySource, outFile = TAXONOMY_FILE): Promise<{ bytes: number; gzipBytes: number; ms: number; skills: number; occupations: number }> {
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
      inputs: inputFingerprint(source),
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
  };
}

async function main() {
  try {
    const source = locateSources();
    console.log(`ESCO v${source.escoVersion} (${source.language}) from ${source.dir}`);
    const r = await buildTaxonomyAsset(source);
    console.log(
      `wrote ${basename(TAXONOMY_FILE)}: ${r.skills} skills, ${r.occupations} occupation-kind concepts; ` +
        `${(r.bytes / 1e6).toFixed(2)} MB raw, ${(r.gzipBytes / 1e6).toFixed(2)} MB gzipped; built in ${(r.ms / 1000).toFixed(2)} s`,
    );
  } catch (e) {
    console.error(`build:taxonomy failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
