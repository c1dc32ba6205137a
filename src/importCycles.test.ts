// Guards against import cycles among the app's own modules (src/ and workers/): a cycle makes module
// evaluation order decide whether a binding is initialised yet, in Vite's bundles and in Node alike.
// Imports are read with the oxc parser that Vite ships (`parseSync`), not with regular expressions,
// and every kind counts: static, re-exports, dynamic import() and type-only imports (a type-only
// cycle is harmless at run time but still two modules that cannot be understood apart).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['src', 'workers'];
const SOURCE = /\.(ts|tsx)$/;
const TEST = /\.test\.(ts|tsx)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !TEST.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative specifiers of every import, re-export and dynamic import in one file. */
function importSpecifiers(path: string, text = readFileSync(path, 'utf8')): string[] {
  const result = parseSync(path, text);
  if (result.errors.length > 0) throw new Error(`${path}: ${result.errors[0].message}`);
  const { staticImports, staticExports, dynamicImports } = result.module;
  const specs = staticImports.map((i) => i.moduleRequest.value);
  for (const e of staticExports) for (const entry of e.entries) if (entry.moduleRequest) specs.push(entry.moduleRequest.value);
  for (const d of dynamicImports) {
    const raw = text.slice(d.moduleRequest.start, d.moduleRequest.end);
    const literal = /^(['"`])([^'"`$]*)\1$/.exec(raw); // import(variable) cannot be followed statically
    if (literal) specs.push(literal[2]);
  }
  return specs.filter((s) => s.startsWith('.'));
}

function resolveSpecifier(from: string, spec: string): string | null {
  const bare = spec.replace(/[?#].*$/, ''); // Vite suffixes: ?worker, ?url, ?raw
  const base = resolve(dirname(from), bare);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate
    }
  }
  return null;
}

/** Every elementary cycle's first-found representative, via depth-first search (grey = on stack). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'grey');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'grey') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'black');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import graph', () => {
  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(importSpecifiers('x.ts', "import type { A } from './a.ts'; export * from './b.ts'; const m = () => import('./c.ts?url');")).toEqual([
      './a.ts',
      './b.ts',
      './c.ts?url',
    ]);
  });

  it('has no import cycle among the modules of src/ and workers/', () => {
    const graph = new Map<string, string[]>();
    for (const dir of SOURCE_DIRS) {
      for (const file of sourceFiles(join(ROOT, dir))) {
        const deps: string[] = [];
        for (const spec of importSpecifiers(file)) {
          const target = resolveSpecifier(file, spec);
          if (target && SOURCE.test(target)) deps.push(relative(ROOT, target));
        }
        graph.set(relative(ROOT, file), deps);
      }
    }
    expect(graph.size).toBeGreaterThan(20);
    expect(findCycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });
});
