import { describe, expect, it } from 'vitest';
import { MODELS_DIR, provisionedModel } from '../../scripts/fetch-models.ts';
import { BGE_SMALL_EN, MULTILINGUAL_E5_SMALL } from '../core/models.ts';
import { alignPieces, loadTokenStateModel, tokenizeWithOffsets, tokenStateEmbedder, windowsOf, type PieceTokenizer } from './tokenStates.ts';
import { configureTransformers, loadEmbedder, loadTokenizer } from './transformersModels.ts';

describe('alignPieces', () => {
  it('aligns WordPiece pieces (lower case, accents stripped, ## continuation)', () => {
    expect(alignPieces('Python,Café', ['python', ',', 'cafe'])).toEqual([0, 6, 7]);
    expect(alignPieces('€50', ['€', '##50'])).toEqual([0, 1]);
  });
  it('aligns sentencepiece pieces (▁ marker, NFKC)', () => {
    expect(alignPieces('Python,', ['▁Python', ','])).toEqual([0, 6]);
    expect(alignPieces('ﬁle', ['▁file'])).toEqual([0]);
    expect(alignPieces('x', ['▁', 'x'])).toEqual([0, 0]);
  });
  it('fails on pieces that do not spell the text', () => {
    expect(alignPieces('Python', ['[UNK]'])).toBeNull();
    expect(alignPieces('Python', ['py'])).toBeNull();
  });
});

/** Characters as pieces, continuation marked with ##; unknown for '#'. */
const fake: PieceTokenizer = {
  tokenize: (text) => [...text].map((c, i) => (c === '#' ? '[UNK]' : i ? `##${c}` : c)),
  encode: (text) => [...text].map((c) => c.charCodeAt(0)),
};

describe('tokenizeWithOffsets', () => {
  it('maps each word to the sub-token holding its first character', () => {
    const t = tokenizeWithOffsets(fake, 'ab, c');
    expect(t.ids).toEqual([97, 98, 44, 99]);
    expect(t.starts).toEqual([0, 1, 2, 4]);
    expect(t.words.map((w) => [w.start, w.end])).toEqual([
      [0, 2],
      [2, 3],
      [4, 5],
    ]);
    expect(t.wordToken).toEqual([0, 2, 3]);
    expect(t.chunkFirst).toEqual([0, 3]);
  });
  it('falls back to word-by-word encoding when pieces cannot be aligned', () => {
    const t = tokenizeWithOffsets(fake, 'a#b');
    expect(t.words.length).toBe(3);
    expect(t.ids.length).toBe(3);
    expect(t.wordToken).toEqual([0, 1, 2]);
  });
});

describe('windowsOf', () => {
  it('cuts at chunk starts and keeps every sub-token', () => {
    const t = tokenizeWithOffsets(fake, 'abc de fghij k');
    expect(windowsOf(t, 6)).toEqual([
      [0, 5],
      [5, 11],
    ]);
    // A chunk longer than the room is cut.
    expect(windowsOf(t, 4)).toEqual([
      [0, 3],
      [3, 5],
      [5, 9],
      [9, 11],
    ]);
    expect(windowsOf(tokenizeWithOffsets(fake, ''), 6)).toEqual([[0, 0]]);
  });
});

const TEXTS = [
  'We are looking for a Java developer (m/f/d) to build back-end services, e.g. REST APIs.',
  'Erfahrung mit SAP/ERP-Systemen und sehr gute Deutschkenntnisse – Führerschein Klasse B!',
  'Experience with C++, Node.js and €50k budgets; "stakeholder management" is a plus.',
];

describe.each([BGE_SMALL_EN, MULTILINGUAL_E5_SMALL])('real model $id', (spec) => {
  const ready = Boolean(provisionedModel(spec.id));
  it.skipIf(!ready && spec !== BGE_SMALL_EN)('feeds the tokenizer’s own ids and gives the embedder’s vector in the same pass', async () => {
    if (!ready) throw new Error(`${spec.id} is not provisioned in ${MODELS_DIR}: run "npm run models:fetch"`);
    configureTransformers({ localModelPath: MODELS_DIR });
    const tok = await loadTokenizer(spec, { localModelPath: MODELS_DIR });
    for (const text of TEXTS) {
      const own = tok.encode(text, { add_special_tokens: false });
      expect(tokenizeWithOffsets(tok as unknown as PieceTokenizer, text).ids).toEqual(own);
    }
    const model = await loadTokenStateModel(spec, { backend: 'node', dtype: 'q8', localModelPath: MODELS_DIR });
    const embedder = await loadEmbedder(spec, { backend: 'node', dtype: 'q8', localModelPath: MODELS_DIR });
    const prefix = spec.queryInstruction ?? '';
    const res = await model.states(TEXTS, { prefix });
    const vecs = await embedder.embed(TEXTS.map((t) => prefix + t));
    res.forEach((r, i) => {
      let dot = 0;
      for (let j = 0; j < spec.dims; j++) dot += r.vector[j] * vecs[i * spec.dims + j];
      expect(dot).toBeGreaterThan(0.999);
      expect(r.states.length).toBe(r.words.length * spec.dims);
      expect(r.windows).toBe(1);
    });
    const viaEmbedder = await tokenStateEmbedder(model).embed(TEXTS.map((t) => prefix + t));
    for (let j = 0; j < viaEmbedder.length; j++) expect(viaEmbedder[j]).toBeCloseTo(vecs[j], 2);
    await model.dispose();
    await embedder.dispose();
  });
});
