// The taxonomy build on the real ESCO files in ../shared/esco, and its refusal of bad input.
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTaxonomy, EscoInputError, splitLabels } from '../src/core/escoCsv.ts';
import { validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';
import { buildTaxonomyAsset, locateSources, ROOT } from './build-taxonomy.ts';

const SHARED = join(ROOT, '..', 'shared', 'esco');

async function buildFrom(dir: string): Promise<Taxonomy> {
  const out = join(mkdtempSync(join(tmpdir(), 'taxonomy-')), 'taxonomy.json');
  await buildTaxonomyAsset(locateSources(dir), out);
  return validateTaxonomy(JSON.parse(readFileSync(out, 'utf8')));
}

describe('taxonomy build on ESCO v1.2.0', () => {
  let t: Taxonomy;
  beforeAll(async () => {
    t = await buildFrom(join(SHARED, 'v1.2.0', 'en'));
  });

  it('has 13,939 skills and 3,039 occupations + 619 ISCO groups', () => {
    expect(t.escoVersion).toBe('1.2.0');
    expect(t.skills).toHaveLength(13_939);
    expect(t.occupations).toHaveLength(3_658);
    expect(t.occupations.filter((o) => o.isIscoGroup)).toHaveLength(619);
  });

  it('gives every concept a URI and a label, and every skill a description', () => {
    for (const c of [...t.skills, ...t.occupations]) {
      expect(c.uri).toMatch(/^http:\/\/data\.europa\.eu\/esco\//);
      expect(c.label.length).toBeGreaterThan(0);
    }
    expect(t.skills.filter((s) => s.description === '')).toHaveLength(0);
  });

  it('splits multi-line alternative labels by value', () => {
    const s = t.skills.find((x) => x.uri === 'http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab')!;
    expect(s.label).toBe('manage musical staff');
    expect(s.altLabels).toEqual(['manage staff of music', 'coordinate duties of musical staff', 'manage music staff', 'direct musical staff']);
    expect(s.skillType).toBe('skill/competence');
    expect(s.reuseLevel).toBe('sector-specific');
  });

  it('links occupations to their ISCO group and their essential and optional skills', () => {
    const o = t.occupations.find((x) => x.label === 'technical director')!;
    expect(o.isIscoGroup).toBe(false);
    expect(o.iscoCode).toBe('2654');
    expect(t.occupations[o.parent].iscoCode).toBe('2654');
    expect(t.occupations[o.parent].isIscoGroup).toBe(true);
    expect(o.essentialSkills.length).toBeGreaterThan(5);
    expect(o.essentialSkills.every((i) => t.skills[i] !== undefined)).toBe(true);
    const group = t.occupations[o.parent];
    expect(t.occupations[group.parent].iscoCode).toBe('265');
  });

  it('records broader skill groups where ESCO gives them', () => {
    const java = t.skills.find((s) => s.label === 'Java (computer programming)')!;
    expect(java.groups.map((g) => t.skillGroups[g].label)).toContain('software and applications development and analysis');
    expect(t.skills.filter((s) => s.groups.length > 0).length).toBeGreaterThan(13_000);
  });
});

describe('taxonomy build on ESCO v1.1.1', () => {
  it('has 13,896 skills and 3,007 + 619 occupation-kind concepts, with a different content hash', async () => {
    const t = await buildFrom(join(SHARED, 'v1.1.1'));
    expect(t.escoVersion).toBe('1.1.1');
    expect(t.skills).toHaveLength(13_896);
    expect(t.occupations).toHaveLength(3_626);
    expect(t.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('bad input', () => {
  const minimal = {
    escoVersion: '9.9.9',
    language: 'en',
    skills: { name: 'skills_en.csv', text: '\uFEFFconceptUri,preferredLabel,description,altLabels\nhttp://data.europa.eu/esco/skill/a,do things,Does things,"x\ny"\n' },
    occupations: { name: 'occupations_en.csv', text: 'conceptUri,iscoGroup,preferredLabel\nhttp://data.europa.eu/esco/occupation/o,1234,doer\n' },
    iscoGroups: { name: 'ISCOGroups_en.csv', text: 'conceptUri,code,preferredLabel\nhttp://data.europa.eu/esco/isco/C1234,1234,Doers\n' },
    occupationSkillRelations: { name: 'rel.csv', text: 'occupationUri,relationType,skillUri\nhttp://data.europa.eu/esco/occupation/o,essential,http://data.europa.eu/esco/skill/a\n' },
  };

  it('builds a minimal valid set, stripping the BOM', async () => {
    const t = await buildTaxonomy(minimal);
    expect(t.skills[0].uri).toBe('http://data.europa.eu/esco/skill/a');
    expect(t.skills[0].altLabels).toEqual(['x', 'y']);
    expect(t.occupations[1].essentialSkills).toEqual([0]);
  });

  it('names the file and the column when a column is missing', async () => {
    const bad = { ...minimal, skills: { name: 'skills_en.csv', text: 'conceptUri,preferredLabel\nu,l\n' } };
    await expect(buildTaxonomy(bad)).rejects.toThrow(/skills_en\.csv has no column "description"/);
    await expect(buildTaxonomy(bad)).rejects.toThrow(/esco\.ec\.europa\.eu/);
  });

  it('refuses an empty file by name', async () => {
    const bad = { ...minimal, occupations: { name: 'occupations_en.csv', text: '' } };
    await expect(buildTaxonomy(bad)).rejects.toThrow(EscoInputError);
    await expect(buildTaxonomy(bad)).rejects.toThrow(/occupations_en\.csv is empty/);
  });

  it('refuses a missing folder and a folder without the CSVs', () => {
    expect(() => locateSources('/no/such/esco/v1.2.0')).toThrow(/ESCO folder not found/);
    const empty = mkdtempSync(join(tmpdir(), 'esco-v1.2.0-'));
    expect(() => locateSources(empty)).toThrow(/lacks skills_en\.csv/);
  });

  it('leaves no partial asset behind when a file is bad', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'esco-')), 'v1.2.0');
    const src = join(SHARED, 'v1.2.0', 'en');
    await import('node:fs').then((fs) => fs.mkdirSync(dir));
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, f));
    writeFileSync(join(dir, 'ISCOGroups_en.csv'), 'conceptUri,preferredLabel\nx,y\n');
    const outDir = mkdtempSync(join(tmpdir(), 'out-'));
    const out = join(outDir, 'taxonomy.json');
    await expect(buildTaxonomyAsset(locateSources(dir), out)).rejects.toThrow(/ISCOGroups_en\.csv has no column "code"/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('splits label cells on newlines, trimming, de-duplicating and dropping the preferred label', () => {
    expect(splitLabels('a\r\n b \n\nA\nc', 'c')).toEqual(['a', 'b']);
  });
});
