// Entry scripts that run with top-level await (prepare-assets.ts: `npm test` and `npm run dev` start
// with it) must not be imported back by a module they load: the import would wait for the entry's
// evaluation, which waits for the import, and Node exits with code 13 ("unsettled top-level await")
// without a word. This walks the relative imports (static and dynamic) of the project's TypeScript.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const IMPORT = /(?:import|export)[^'"`;]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const target = resolve(dirname(file), m[1] ?? m[2]);
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** A chain of imports from `from` to `to` (files), or null. */
function chain(from: string, to: string): string[] | null {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const f = queue.shift()!;
    for (const d of importsOf(f)) {
      if (prev.has(d)) continue;
      prev.set(d, f);
      if (d === to) {
        const path = [d];
        for (let x = f; x; x = prev.get(x)!) path.unshift(x);
        return path.map((p) => relative(ROOT, p));
      }
      queue.push(d);
    }
  }
  return null;
}

describe('entry scripts with top-level await', () => {
  it('are not imported back by any module they load (prepare-assets.ts)', () => {
    const entry = join(ROOT, 'scripts', 'prepare-assets.ts');
    const back = importsOf(entry).map((d) => chain(d, entry)).filter((c) => c !== null);
    expect(back).toEqual([]);
    // the walker finds such a chain when there is one: prepare-assets.ts reaches precompute.ts
    expect(chain(entry, join(ROOT, 'scripts', 'precompute.ts'))).not.toBeNull();
  });
});
