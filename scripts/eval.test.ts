// `npm run eval` end to end in lexical mode: Decorte-format labels are mapped to URIs through the
// v1.1.1 skills file, the pipeline runs, and the metrics table is printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './build-taxonomy.ts';

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
    const out = runEval(['--data', file]);
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
    expect(() => runEval(['--data', '/no/such/file.csv'])).toThrow(/eval failed: .*no such file/);
  }, 60_000);
});
