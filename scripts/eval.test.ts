// `npm run eval` end to end in lexical mode: Decorte-format labels are mapped to URIs through the
// v1.1.1 skills file, the pipeline runs, and the metrics table is printed. Also the title-line rule
// and the occupation-inference run (`--kind inference`) on a small SkillSpan-format file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './build-taxonomy.ts';
import { appConfig, OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import { refuseIgnoredFlags } from './eval.ts';
import { postingTitle } from './eval/inference.ts';

function runEval(args: string[]): string {
  return execFileSync('npx', ['tsx', join(ROOT, 'scripts', 'eval.ts'), ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('eval CLI', () => {
  it('prints MRR, RP@k and thresholded P/R/F1 for Decorte-format files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-'));
    const file = join(dir, 'mini_validation.csv');
    writeFileSync(
      file,
      [
        'sentence,span,sub_span,label',
        'Experience with Java programming and SQL,Java,,Java (computer programming)',
        'Experience with Java programming and SQL,SQL,,SQL',
        'Strong knowledge of Python,Python,,Python (computer programming)',
        'You love baking bread,baking bread,,LABEL NOT PRESENT',
      ].join('\n'),
    );
    const out = runEval(['--model', 'none', '--data', file]);
    const row = out.split('\n').find((l) => l.startsWith('| mini_validation.csv'));
    expect(row).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    // file, sentences, ranked, MRR, RP@1, ...
    expect(cells[2]).toBe('3');
    expect(cells[3]).toBe('2');
    expect(Number(cells[4])).toBe(100);
    expect(Number(cells[6])).toBe(100);
    expect(out).toMatch(/\| file \| sentences \| ranked \| MRR \| RP@1 \| RP@5 \| RP@10 \| P@t \| R@t \| F1@t \| best t \| best F1 \(P\/R\) \|/);
  }, 60_000);

  it('fails with a message when there is no evaluation data', () => {
    expect(() => runEval(['--model', 'none', '--data', '/no/such/file.csv'])).toThrow(/eval failed: .*no such file/);
  }, 60_000);

  it("evaluates the app's configuration when given no flags: the offline default preset, its concept texts and thresholds", () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-defaults-'));
    const file = join(dir, 'empty.csv');
    writeFileSync(file, 'sentence,span,sub_span,label\nUse Java,Java,,Java (computer programming)\n');
    // --limit 0 reads the configuration without loading a model.
    const out = runEval(['--data', file, '--limit', '0']);
    const app = appConfig(OFFLINE_DEFAULT_PRESET);
    expect(out).toContain(`model: ${OFFLINE_DEFAULT_PRESET}; pipeline: concepts ${app.conceptText.skill}/${app.conceptText.occupation}, skill threshold ${app.thresholds.skillThreshold}, occupation threshold ${app.thresholds.occupationThreshold}`);
  }, 60_000);

  it('--kind ads --data evaluates the postings file given, not SkillSpan dev', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-ads-'));
    const file = join(dir, 'two-ads.json');
    const tokens = 'You know Java and SQL .'.split(' ');
    const tags = tokens.map((t) => (t === 'Java' || t === 'SQL' ? 'B' : 'O'));
    writeFileSync(file, [1, 2].map((idx) => JSON.stringify({ idx, source: 'tech', tokens, tags_skill: tags, tags_knowledge: tokens.map(() => 'O') })).join('\n'));
    const out = runEval(['--model', 'none', '--kind', 'ads', '--data', file]);
    const row = out.split('\n').find((l) => l.startsWith('| two-ads.json'));
    expect(row).toBeDefined();
    expect(row!.split('|').map((c) => c.trim())[2]).toBe('2');
    expect(out).not.toContain('dev.json');
  }, 60_000);

  it('refuses a flag the chosen mode would ignore, naming the mode that reads it', () => {
    expect(() => refuseIgnoredFlags({ kind: 'skill', markdown: 'x.md' })).toThrow('--markdown is only read with --kind inference');
    expect(() => refuseIgnoredFlags({ kind: 'ads', generic: 'x.csv' })).toThrow('--generic is only read with --kind skill or occupation');
    expect(() => refuseIgnoredFlags({ out: 'E.md' })).toThrow('--out is only read with --report');
    expect(() => refuseIgnoredFlags({ report: true, kind: 'ads' })).toThrow("--report runs the whole suite with the app's configuration; it does not take --kind");
    expect(() => refuseIgnoredFlags({ kind: 'ads', data: 'x.json' })).not.toThrow();
  });
});

describe('posting title line (--kind inference)', () => {
  it('takes a title-case first line, without placeholders and bracketed asides, and the rest as the body', () => {
    expect(postingTitle('Senior Fullstack Engineer ( m/f/d ) - OMS\nWe build things .')).toEqual({ raw: 'Senior Fullstack Engineer ( m/f/d ) - OMS', title: 'Senior Fullstack Engineer - OMS', body: 'We build things .' });
    expect(postingTitle('Java Developer – Full-time job – <LOCATION>\nx').title).toBe('Java Developer – Full-time job');
    expect(postingTitle('Frontend-Developer ( m/f/d ) <ORGANIZATION>\nx').title).toBe('Frontend-Developer');
    expect(postingTitle('DevOps Engineer ( CI CD Cloud Docker Jenkins ) <ORGANIZATION>').title).toBe('DevOps Engineer');
    expect(postingTitle('Java Backend Engineer with Integration Expertise').title).toBe('Java Backend Engineer with Integration Expertise');
  });

  it('rejects sentences, headings, key-value lines, single words and lines not in title case, saying why', () => {
    const why = (line: string) => postingTitle(`${line}\nbody`);
    expect(why('At the <ORGANIZATION> we give you the chance to grow .')).toMatchObject({ title: null, reason: 'a sentence' });
    expect(why('Looking for a job where you do not have to speak Danish?').reason).toBe('a sentence');
    expect(why('About Us').reason).toBe('a section heading');
    expect(why('Organization Name: Cement Division').reason).toBe('a "key: value" line');
    expect(why('Description').reason).toBe('one word');
    expect(why('<ORGANIZATION> <ORGANIZATION>').reason).toBe('placeholders only');
    expect(why('challenging position with great career opportunities').reason).toBe('not in title case');
    expect(why('Pioneer a brighter future').reason).toBe('not in title case');
    expect(why('Senior Java Developer Kotlin Spring Boot Kafka Docker Kubernetes AWS Azure GCP Terraform').reason).toBe('too long for a title');
    expect(why('Description').body).toBe('body');
  });
});

describe('eval CLI --kind inference', () => {
  it('scores postings with a title line and reports agreement per ranking, with examples', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-inference-'));
    const file = join(dir, 'mini.json');
    const line = (idx: number, source: string, text: string) => {
      const tokens = text.split(' ');
      return JSON.stringify({ idx, source, tokens, tags_skill: tokens.map(() => 'O'), tags_knowledge: tokens.map(() => 'O') });
    };
    writeFileSync(
      file,
      [
        line(1, 'tech', 'Software Developer ( m/f/d ) <ORGANIZATION>'),
        line(1, 'tech', 'We are looking for a software developer .'),
        line(1, 'tech', 'You know Java and SQL and JavaScript .'),
        line(2, 'house', 'We are hiring cooks .'),
        line(2, 'house', 'You bake bread .'),
        line(3, 'tech', 'Baker'),
        line(3, 'tech', 'You bake bread .'),
      ].join('\n'),
    );
    const md = join(dir, 'section.md');
    const out = runEval(['--kind', 'inference', '--model', 'none', '--data', file, '--markdown', md]);
    expect(readFileSync(md, 'utf8')).toBe(`${out.trimEnd()}\n`);
    expect(out).toMatch(/^## Occupations inferred from skills/m);
    expect(out).toContain('title-like first line: 1 of 3 (1 tech); excluded: 1 a sentence, 1 one word.');
    const row = (label: string) => out.split('\n').find((l) => l.startsWith(`| none (labels only) | ${label} |`))?.split('|').map((c) => c.trim());
    // The body names the title's occupation: the direct ranking agrees with the title.
    const direct = row('direct from body only (full ranking)');
    expect(direct?.slice(3, 6)).toEqual(['1', '100.0', '100.0']);
    const skills = row('inferred from skills only');
    expect(skills?.[3]).toBe('1');
    expect(Number(skills?.[4])).toBeGreaterThanOrEqual(0);
    expect(out).toMatch(/\*\*tech 1\*\* "Software Developer" → title top-1: software developer \(1\.00\)/);
    expect(out).toMatch(/\n {2}1\. .+: coverage 0\.\d{3}; \d+ of \d+ essential skills found: /);
  }, 120_000);
});

/** The cells of the markdown table row that starts with `first`. */
function tableRow(out: string, first: string): string[] | undefined {
  return out.split('\n').find((l) => l.startsWith(`| ${first} |`))?.split('|').map((c) => c.trim());
}

describe('eval CLI --kind crosslang', () => {
  it("ranks a language's ESCO skill labels against the English skill vectors, leaving out labels equal to an English one", () => {
    const out = runEval(['--kind', 'crosslang', '--model', 'test', '--languages', 'de', '--limit', '20']);
    expect(out).toContain('### Cross-language skill check from ESCO (test;');
    const row = tableRow(out, 'de');
    expect(row?.[2]).toBe('20');
    expect(Number(row?.[3])).toBeGreaterThanOrEqual(0);
    expect(Number(row?.[3])).toBeLessThanOrEqual(1);
    expect(() => refuseIgnoredFlags({ kind: 'skill', languages: 'de' })).toThrow('--languages is only read with --kind crosslang or inlang');
  }, 120_000);
});

describe('eval CLI --kind inlang', () => {
  it("ranks ESCO's skill descriptions in English, in the language, and in the language with its labels as extra rows", () => {
    const out = runEval(['--kind', 'inlang', '--model', 'test', '--languages', 'de', '--limit', '30']);
    expect(out).toContain("### Skill labels in the text's language (test;");
    const row = tableRow(out, 'de');
    expect(row?.[2]).toBe('30');
    // three configurations, each "MRR / acc@1 / acc@5 (median cosine)"
    const cells = row!.slice(3, 6).map((c) => c.match(/^([\d.]+) \/ ([\d.]+) \/ ([\d.]+) \(median (-?[\d.]+)\)$/));
    expect(cells.every((m) => m !== null)).toBe(true);
    for (const m of cells) {
      expect(Number(m![1])).toBeLessThanOrEqual(1);
      expect(Number(m![2])).toBeLessThanOrEqual(Number(m![3]));
    }
  }, 180_000);
});
