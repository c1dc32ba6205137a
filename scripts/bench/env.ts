// What the figures were measured on: date, machine (CPU model and SIMD flags from /proc/cpuinfo, cores,
// memory, load), runtime versions (Node, Chromium, onnxruntime-node/-web, transformers.js) and the git
// revision, for the header of BENCHMARKS.md. Comparisons between runs only make sense when these match.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Machine {
  cpu: string;
  simd: string;
  cores: number;
  memoryBytes: number;
  load: string;
}

export function machine(): Machine {
  let cpu = 'unknown CPU';
  let flags: string[] = [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpu;
    flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(/\s+/) ?? [];
  } catch {
    // Not Linux: the model name stays unknown.
  }
  // The SIMD level decides both ORT's kernels and V8's WASM SIMD lowering.
  const simd = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8'].filter((f) => flags.includes(f)).join(' ') || 'n/a';
  return { cpu, simd, cores: availableParallelism(), memoryBytes: totalmem(), load: loadavg().map((l) => l.toFixed(2)).join(' ') };
}

export function packageVersion(name: string): string {
  const file = join(ROOT, 'node_modules', ...name.split('/'), 'package.json');
  if (!existsSync(file)) return 'not installed';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() ? ' + uncommitted changes' : '';
    return `${rev}${dirty}`;
  } catch {
    return 'unknown';
  }
}
