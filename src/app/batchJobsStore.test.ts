// The page reaches IndexedDB's batch jobs through one door (batchJobsStore.ts): no other module of
// src/app, components included, imports src/db. Checked on the sources, so a new import fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const APP = join(import.meta.dirname, '.');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

describe('the page and stored data', () => {
  it('only batchJobsStore.ts imports src/db', () => {
    const importers = sources(APP).filter((f) => /from\s+'(\.\.\/)+db\//.test(readFileSync(f, 'utf8')));
    expect(importers.map((f) => relative(APP, f))).toEqual(['batchJobsStore.ts']);
  });
});
