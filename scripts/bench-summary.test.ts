// The bench summary's target lines (scripts/bench/summary.ts targetLines): each target is reported
// as reached or not from the run's figures, with the measured value, and only when measured.
import { describe, expect, it } from 'vitest';
import { targetLines } from './bench/summary.ts';

describe('bench target lines', () => {
  it('says reached or not reached with the figure, and skips what the run did not measure', () => {
    const [block] = targetLines({
      'estimate.adRerankShortlist.browser.q8.ms': 88_000,
      'estimate.adRerankShortlist.pairs': 40,
      'estimate.adRerankFirst.browser.q8.ms': 4_400,
      'interaction.slider.ms': 15.5,
      'search.browser.int8.ms': 44,
      'search.browser.int8RelaxedPool.ms': 16.7,
      'search.node.int8Pool.ms': 26.7,
      'search.node.ortDefault.ms': 10.5,
      'search.browser.ortWeb.ms': 38.3,
    });
    const lines = block.split('\n');
    expect(lines[0]).toBe('Targets (issue 15):');
    expect(block).toMatch(/whole shortlist .*: 88\.0 s \(target <= 30\.0 s\): not reached; each \(segment, concept\) pair costs ~2\.2 s .*so 13 of the 40 pairs fit in 30 s/);
    expect(block).toMatch(/first refined results: 4,400 ms \(target <= 5,000 ms\): reached\./);
    expect(block).toMatch(/Slider .*: 15\.5 ms \(target <= 16\.0 ms\): reached\./);
    expect(block).toMatch(/Search, Chromium: best project kernel vs onnxruntime-node .*: 0\.63x \(target >= 0\.50x\): reached/);
    expect(block).toMatch(/Search, Node: best project kernel vs onnxruntime-node .*: 0\.39x \(target >= 0\.50x\): not reached; Node 20/);
    expect(block).not.toMatch(/Start-up/);
  });

  it('returns nothing when no target was measured', () => {
    expect(targetLines({})).toEqual([]);
  });
});
