// The taxonomy build on the real ESCO files in ../shared/esco, and its refusal of bad input; the
// skill hierarchy fields, and that they leave the content hash (the embedding caches' key) alone.
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTaxonomy, EscoInputError, splitLabels } from '../src/core/escoCsv.ts';
import { canonicalJson, sha256Hex } from '../src/core/hash.ts';
import { primaryGroupPath, skillGroupAt } from '../src/core/skillHierarchy.ts';
import { hashedTaxonomyContent, validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';
import { buildLabelPackAssets, buildTaxonomyAsset, defaultLanguageSourceDirs, formatCoverage, locateLanguageSources, locateSources, ROOT } from './build-taxonomy.ts';
import { validateLabelPack, type LabelPackIndex } from '../src/core/labelPacks.ts';
import { mkdirSync } from 'node:fs';

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

  it('keeps the skill hierarchy: broader skills, and broader groups up to the four pillar roots', () => {
    const skill = (label: string) => t.skills.findIndex((s) => s.label === label);
    expect(t.skills[skill('Haskell')].broaderSkills!.map((b) => t.skills[b].label)).toEqual(['computer programming']);
    expect(t.skills.reduce((n, s) => n + s.broaderSkills!.length, 0)).toBe(6_463);
    expect(t.skillGroups.reduce((n, g) => n + g.parents!.length, 0)).toBe(636);
    const roots = t.skillGroups.filter((g) => g.parents!.length === 0).map((g) => g.code).sort();
    expect(roots).toEqual(['K', 'L', 'S', 'T']);
    const java = skill('Java (computer programming)');
    expect(primaryGroupPath(t, java).map((g) => t.skillGroups[g].code)).toEqual(['K', '06', '061', '0613']);
    expect(t.skillGroups[skillGroupAt(t, skill('manage musical staff'))].code).toBe('S4');
    // every skill reaches a pillar root, through its own groups or a broader skill's
    expect(t.skills.filter((_, i) => primaryGroupPath(t, i).length === 0)).toHaveLength(0);
  });

  it('has the content hash it had before the hierarchy fields were added (the shipped embedding caches are keyed by it)', async () => {
    // ESCO v1.2.0 (en) as built before broaderSkills/parents existed; the label packs carry it too.
    expect(t.contentHash).toBe('f9600eecdd433e2889bb1573bfefec956eefe09b5a33a675e61469c34093691a');
    expect(await sha256Hex(canonicalJson(hashedTaxonomyContent(t)))).toBe(t.contentHash);
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

  it('leaves the hierarchy out of the content hash: broader skills and groups do not change it, a label does', async () => {
    const groups = {
      name: 'skillGroups_en.csv',
      text: 'conceptUri,preferredLabel,code\nhttp://data.europa.eu/esco/skill/root,skills,S\nhttp://data.europa.eu/esco/skill/g1,communication,S1\n',
    };
    const skills = {
      name: 'skills_en.csv',
      text: 'conceptUri,preferredLabel,description\nhttp://data.europa.eu/esco/skill/a,do things,Does things\nhttp://data.europa.eu/esco/skill/b,do one thing,Does one thing\n',
    };
    const skillToGroup = 'conceptType,conceptUri,broaderType,broaderUri\nKnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a,SkillGroup,http://data.europa.eu/esco/skill/g1\n';
    const hierarchy =
      'KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/b,KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/a\n' +
      'SkillGroup,http://data.europa.eu/esco/skill/g1,SkillGroup,http://data.europa.eu/esco/skill/root\n';
    const flat = await buildTaxonomy({ ...minimal, skills, skillGroups: groups, broaderSkillRelations: { name: 'b.csv', text: skillToGroup } });
    const full = await buildTaxonomy({ ...minimal, skills, skillGroups: groups, broaderSkillRelations: { name: 'b.csv', text: skillToGroup + hierarchy } });
    expect(full.skills[1].broaderSkills).toEqual([0]);
    expect(full.skillGroups[1].parents).toEqual([0]);
    expect(full.skills[0].groups).toEqual([1]);
    // empty lists stay out of the asset
    expect('broaderSkills' in full.skills[0]).toBe(false);
    expect('parents' in full.skillGroups[0]).toBe(false);
    expect(flat.skills[1].broaderSkills).toBeUndefined();
    expect(full.contentHash).toBe(flat.contentHash);
    // validated (loaded) assets fill the missing fields with empty lists, and still hash the same
    const loaded = validateTaxonomy(JSON.parse(JSON.stringify(flat)));
    expect(loaded.skills[0].broaderSkills).toEqual([]);
    expect(loaded.skillGroups[1].parents).toEqual([]);
    expect(await sha256Hex(canonicalJson(hashedTaxonomyContent(loaded)))).toBe(flat.contentHash);
    // what the hash does cover still changes it
    const relabelled = await buildTaxonomy({ ...minimal, skills: { ...skills, text: skills.text.replace('do one thing', 'do another thing') }, skillGroups: groups, broaderSkillRelations: { name: 'b.csv', text: skillToGroup + hierarchy } });
    expect(relabelled.contentHash).not.toBe(full.contentHash);
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

describe('label packs of other languages', () => {
  let t: Taxonomy;
  beforeAll(async () => {
    t = await buildFrom(join(SHARED, 'v1.2.0', 'en'));
  });

  it('finds German beside English, French of v1.1.1 and the partial label files by default', () => {
    const langs = locateLanguageSources(defaultLanguageSourceDirs(join(SHARED, 'v1.2.0', 'en')));
    const byLang = new Map(langs.map((l) => [l.language, l]));
    expect([...byLang.keys()]).toEqual(expect.arrayContaining(['de', 'fr', 'nl', 'es', 'it', 'pl']));
    expect(byLang.has('en')).toBe(false);
    const de = byLang.get('de')!;
    expect(de.files.find((f) => f.path.endsWith('occupations_de.csv'))).toMatchObject({ tier: 'official', escoVersion: '1.2.0', kind: 'occupation' });
    expect(de.files.find((f) => f.path.endsWith('skills_de_v1.0.3.csv'))).toMatchObject({ tier: 'partial', escoVersion: '1.0.3', kind: 'skill' });
    expect(byLang.get('fr')!.files.filter((f) => f.tier !== 'corpus').every((f) => f.escoVersion === '1.1.1')).toBe(true);
  });

  it('writes one pack per language with coverage per kind and an index, leaving the English asset alone', async () => {
    const langs = locateLanguageSources([join(SHARED, 'v1.2.0', 'de'), join(SHARED, 'v1.1.1', 'fr'), join(SHARED, 'labels', 'occupations_es_v1.0.8.csv')]);
    const out = mkdtempSync(join(tmpdir(), 'packs-'));
    const results = await buildLabelPackAssets(t, langs, out);
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(readdirSync(out).sort()).toEqual(['labels-de.json', 'labels-es.json', 'labels-fr.json', 'labels-index.json']);
    const de = validateLabelPack(JSON.parse(readFileSync(join(out, 'labels-de.json'), 'utf8')), t);
    expect(de.coverage.occupation).toMatchObject({ concepts: 3039, labelled: 3039 });
    expect(de.coverage.iscoGroup).toMatchObject({ concepts: 619, labelled: 619 });
    expect(de.coverage.skill.labelled).toBe(2334); // collections only: the partial skills file was not given
    const fr = validateLabelPack(JSON.parse(readFileSync(join(out, 'labels-fr.json'), 'utf8')), t);
    expect(fr.coverage.occupation.labelled).toBeGreaterThan(2990);
    const index = JSON.parse(readFileSync(join(out, 'labels-index.json'), 'utf8')) as LabelPackIndex;
    expect(index.taxonomyHash).toBe(t.contentHash);
    expect(index.packs.map((p) => p.language)).toEqual(['de', 'es', 'fr']);
    expect(formatCoverage(results)).toMatch(/^de\s+2334\/13939/m);
  });

  it('takes the occupation label corpus (occupations_xx_melo.csv) over the partial files, the official files over both', async () => {
    const all = locateLanguageSources(defaultLanguageSourceDirs(join(SHARED, 'v1.2.0', 'en')));
    const byLang = new Map(all.map((l) => [l.language, l]));
    expect(byLang.get('sv')!.files).toEqual([expect.objectContaining({ tier: 'corpus', kind: 'occupation' })]);
    expect(byLang.get('nl')!.files.map((f) => f.tier).sort()).toEqual(['corpus', 'partial', 'partial']);
    const out = mkdtempSync(join(tmpdir(), 'packs-'));
    const pick = (l: string, tiers: string[]) => ({ ...byLang.get(l)!, files: byLang.get(l)!.files.filter((f) => tiers.includes(f.tier) && f.kind !== 'skill') });
    const results = await buildLabelPackAssets(t, [pick('de', ['official', 'corpus']), pick('nl', ['corpus', 'partial']), pick('sv', ['corpus'])], out);
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    const [de, nl, sv] = results.map((r) => r.pack!);
    // German: the official v1.2.0 files label every occupation, so the corpus adds nothing
    expect(de.sources.find((s) => s.tier === 'corpus')!.used).toBe(0);
    expect(nl.coverage.occupation.labelled).toBeGreaterThan(2900);
    expect(nl.coverage.occupation.altLabels).toBeGreaterThan(10_000);
    expect(nl.sources.find((s) => s.tier === 'corpus')!.used).toBeGreaterThan(nl.sources.find((s) => s.tier === 'partial')!.used);
    expect(sv.coverage.occupation.labelled).toBeGreaterThan(2900);
    expect(sv.coverage.iscoGroup.labelled).toBeGreaterThan(600);
    const electrician = t.occupations.findIndex((o) => o.label === 'electrician');
    const e = nl.occupations.find((x) => x.uri === t.occupations[electrician].uri)!;
    expect([e.label, ...(e.alt ?? [])].map((l) => l.toLowerCase())).toContain('elektricien');
  });

  it('names a bad language file, keeps that language\'s old pack and builds the others', async () => {
    const out = mkdtempSync(join(tmpdir(), 'packs-'));
    const good = locateLanguageSources([join(SHARED, 'labels', 'occupations_it_v1.0.8.csv')]);
    await buildLabelPackAssets(t, good, out);
    const before = readFileSync(join(out, 'labels-it.json'), 'utf8');
    const bad = join(mkdtempSync(join(tmpdir(), 'esco-')), 'v1.2.0-it');
    mkdirSync(bad);
    writeFileSync(join(bad, 'occupations_it.csv'), 'uri,label\nx,y\n');
    const other = join(mkdtempSync(join(tmpdir(), 'esco-')), 'v9.9.9');
    mkdirSync(other);
    writeFileSync(join(other, 'occupations_xx.csv'), 'conceptUri,preferredLabel\nhttp://example.org/a,a\nhttp://example.org/b,b\n');
    const results = await buildLabelPackAssets(t, [...locateLanguageSources([bad, join(SHARED, 'labels', 'occupations_it_v1.0.8.csv')]), ...locateLanguageSources([other]), ...locateLanguageSources([join(SHARED, 'labels', 'occupations_pt_v1.0.3.csv')])], out);
    expect(results.find((r) => r.language === 'it')!.error).toMatch(/occupations_it\.csv has no column "conceptUri"/);
    expect(results.find((r) => r.language === 'xx')!.error).toMatch(/occupations_xx\.csv: only 0 of 2 concept URIs/);
    expect(results.find((r) => r.language === 'pt')!.error).toBeUndefined();
    expect(readFileSync(join(out, 'labels-it.json'), 'utf8')).toBe(before);
    expect(readdirSync(out).sort()).toEqual(['labels-index.json', 'labels-it.json', 'labels-pt.json']);
  });
});
