import { describe, expect, it } from 'vitest';
import { headLogProbs, loadTagger, tagSpans, type SpanTaggerJson } from '../src/core/spanTagger.ts';
import { mulberry32 } from '../src/core/random.ts';
import { conllPostings, parseConllSentences, parseSkillSpanSentences, prepare, sentenceText, wordTags, wordTokenIndex, type StateMatrix } from './eval/spans.ts';
import { fitHeads, mergedTags } from './train-tagger.ts';

describe('training data', () => {
  it('restores running text and maps annotated tokens to word units', () => {
    const { text, spans } = sentenceText(['Experience', 'with', 'C++', ',', 'Node.js', '(', 'React', ')', '.']);
    expect(text).toBe('Experience with C++, Node.js (React).');
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Experience', 'with', 'C++', ',', 'Node.js', '(', 'React', ')', '.']);
    const [p] = prepare(parseSkillSpanSentences(JSON.stringify({ idx: 1, source: 'tech', tokens: ['know', 'Node.js', 'well'], tags_skill: ['O', 'O', 'O'], tags_knowledge: ['O', 'B', 'O'] })));
    // Node . js: the token's first word takes its tag, the others I.
    expect(p.words.map((w) => p.text.slice(w.start, w.end))).toEqual(['know', 'Node', '.', 'js', 'well']);
    expect(Array.from(p.knowledge)).toEqual([0, 1, 2, 2, 0]);
    expect(Array.from(wordTags(Uint8Array.from([0, 0]), wordTokenIndex([{ start: 0, end: 1 }, { start: 1, end: 2 }], [{ start: 0, end: 2 }])))).toEqual([0, 0]);
  });

  it('parses CoNLL leniently (a line with its fields out of place keeps its token)', () => {
    const { sentences, repaired } = parseConllSentences('Krav:\tO\tO\n\u0095\tUdd\tO\n\t\t\nKan\tB\tO\nsvejse\tI\tO\n');
    expect(repaired).toBe(1);
    expect(sentences.map((s) => s.tokens)).toEqual([['Krav:', 'Udd'], ['Kan', 'svejse']]);
    expect(Array.from(sentences[1].skill)).toEqual([1, 2]);
  });

  it('groups CoNLL sentences into whole-posting stand-ins, their spans kept on the right words', () => {
    const sentence = (i: number) => `Kan${i}\tO\tO\nsvejse\tB\tO\nMIG\tI\tB\n`;
    const postings = conllPostings(Array.from({ length: 12 }, (_, i) => sentence(i)).join('\t\t\n'), 10);
    expect(postings.map((p) => p.text.split('\n').length)).toEqual([10, 2]);
    expect(postings[1].text).toBe('Kan10 svejse MIG\nKan11 svejse MIG');
    expect(postings[1].spans.map((sp) => [postings[1].text.slice(sp.start, sp.end), sp.type])).toEqual([
      ['svejse MIG', 'skill'],
      ['MIG', 'knowledge'],
      ['svejse MIG', 'skill'],
      ['MIG', 'knowledge'],
    ]);
  });

  it('merges the two layers into one, the longer of overlapping spans winning', () => {
    expect(Array.from(mergedTags(Uint8Array.from([1, 2, 2, 0, 0]), Uint8Array.from([0, 1, 0, 1, 0])))).toEqual([1, 2, 2, 1, 0]);
  });
});

/** Synthetic sentences whose word states say their tag (plus noise), to test fitting and folding. */
function synthetic(n: number, dims: number, seed: number) {
  const rand = mulberry32(seed);
  const sentences = [];
  const values: number[] = [];
  const offset = [0];
  for (let s = 0; s < n; s++) {
    const len = 4 + Math.floor(rand() * 6);
    const tags = new Uint8Array(len);
    for (let i = 0; i < len; i++) tags[i] = i > 0 && tags[i - 1] !== 0 && rand() < 0.5 ? 2 : rand() < 0.3 ? 1 : 0;
    const tokens = Array.from({ length: len }, (_, i) => `w${i}`);
    const [p] = prepare([{ source: 'x', idx: s, tokens, skill: tags, knowledge: new Uint8Array(len) }]);
    sentences.push(p);
    for (let i = 0; i < len; i++) for (let d = 0; d < dims; d++) values.push((d === tags[i] ? 3 : 0) + 5 + (rand() - 0.5));
    offset.push(offset[offset.length - 1] + len);
  }
  const states: StateMatrix = { values: Float32Array.from(values), dims, offset: Int32Array.from(offset) };
  return { sentences, states };
}

describe('fitHeads', () => {
  const { sentences, states } = synthetic(300, 4, 7);
  const o = { context: 1, epochs: 4, lr: 0.02, l2: 1e-4, batch: 16, seed: 25 };

  it('is deterministic and learns a separable toy problem; the folded weights read raw states', () => {
    const a = fitHeads(sentences, states, ['skill'], o);
    const b = fitHeads(sentences, states, ['skill'], o);
    expect(Array.from(a.heads[0].weights)).toEqual(Array.from(b.heads[0].weights));
    expect(a.loss[a.loss.length - 1]).toBeLessThan(a.loss[0]);
    const json: SpanTaggerJson = {
      format: 'esco-span-tagger',
      version: 1,
      modelId: 'toy',
      dims: 4,
      context: 1,
      wordState: 'first',
      prefix: '',
      heads: a.heads.map((h) => ({ type: h.type, weights: Array.from(h.weights), bias: Array.from(h.bias) })),
    };
    const tagger = loadTagger(json);
    let right = 0;
    let all = 0;
    sentences.forEach((p, s) => {
      const st = states.values.subarray(states.offset[s] * 4, states.offset[s + 1] * 4);
      const lp = headLogProbs(tagger, tagger.heads[0], st, p.words.length);
      for (let i = 0; i < p.words.length; i++) {
        const best = [0, 1, 2].reduce((x, y) => (lp[i * 3 + y] > lp[i * 3 + x] ? y : x), 0);
        right += best === p.skill[i] ? 1 : 0;
        all++;
      }
      expect(tagSpans(tagger, st, p.words, 4).every((sp) => sp.end > sp.start)).toBe(true);
    });
    expect(right / all).toBeGreaterThan(0.97);
  });
});
