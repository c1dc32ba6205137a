// Word frequency tables for the label matcher's weak-evidence rule (src/core/wordFrequency.ts), from
// the `wordfreq` 3.1.1 wheel on PyPI (code Apache-2.0, data CC BY-SA 4.0): fetched once with pip into
// ~/.cache/esco-skill-finder/wordfreq/ (ESCO_CACHE_DIR), checked by SHA-256, and read here without
// Python: the wheel is a zip, each `wordfreq/data/small_<lang>.msgpack.gz` a gzipped msgpack list
// whose entry i (after a header) holds the words of frequency -i centibels, i.e. Zipf 9 - i/100.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decode } from '@msgpack/msgpack';
import { unzipSync } from 'fflate';
import { foldWord } from '../src/core/lexical.ts';
import { STORED_MIN_ZIPF, wordfreqList, type WordFrequencyTable } from '../src/core/wordFrequency.ts';

const WHEEL = 'wordfreq-3.1.1-py3-none-any.whl';
/** Recorded in the taxonomy's build-info: a change rebuilds the assets. */
export const WORD_FREQUENCY_SOURCE = 'wordfreq-3.1.1';
const WHEEL_SHA256 = '4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473';
const SOURCE = 'wordfreq 3.1.1 (Robyn Speer et al.), data CC BY-SA 4.0';

function cacheDir(): string {
  return join(resolve(process.env.ESCO_CACHE_DIR ?? join(homedir(), '.cache', 'esco-skill-finder')), 'wordfreq');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The wheel's bytes, downloaded once; throws naming the source and the fix when PyPI cannot be reached. */
export function wordfreqWheel(): Uint8Array {
  const dir = cacheDir();
  const file = join(dir, WHEEL);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    if (sha256(bytes) === WHEEL_SHA256) return bytes;
    rmSync(file);
  }
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `download-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const r = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--quiet', 'wordfreq==3.1.1', '-d', tmp], { encoding: 'utf8' });
    const got = join(tmp, WHEEL);
    if (r.status !== 0 || !existsSync(got)) {
      throw new Error(`could not download ${WHEEL} from PyPI with "python3 -m pip download --no-deps wordfreq==3.1.1" (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}); put the wheel in ${dir} by hand to build offline`);
    }
    const bytes = readFileSync(got);
    if (sha256(bytes) !== WHEEL_SHA256) throw new Error(`${WHEEL} from PyPI has SHA-256 ${sha256(bytes)}, expected ${WHEEL_SHA256}`);
    renameSync(got, file);
    return bytes;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Folded word -> Zipf for the words of one wordfreq list at or above STORED_MIN_ZIPF. */
export function zipfTable(listGz: Uint8Array): Record<string, number> {
  const data = decode(gunzipSync(listGz)) as unknown[];
  const zipf: Record<string, number> = {};
  // data[0] is the header ({ format: 'cB', version: 1 }); bucket i holds words of -i centibels.
  for (let i = 1; i < data.length; i++) {
    const z = Math.round((9 - (i - 1) / 100) * 100) / 100;
    if (z < STORED_MIN_ZIPF) break;
    for (const w of data[i] as string[]) {
      const f = foldWord(w);
      if (f && !(f in zipf)) zipf[f] = z;
    }
  }
  return zipf;
}

/** One table per language that wordfreq has (Estonian has none); languages are ESCO codes. */
export function wordFrequencyTables(languages: string[]): Map<string, WordFrequencyTable> {
  const wanted = new Map(languages.map((l) => [`wordfreq/data/small_${wordfreqList(l)}.msgpack.gz`, l]));
  const files = unzipSync(wordfreqWheel(), { filter: (f) => wanted.has(f.name) });
  const out = new Map<string, WordFrequencyTable>();
  for (const [name, language] of wanted) {
    const bytes = files[name];
    if (bytes) out.set(language, { source: SOURCE, list: wordfreqList(language), zipf: zipfTable(bytes) });
  }
  return out;
}
