// The upstream baseline: one concept per sentence, only above the fixed cut; ranked mode keeps top k.
import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from './testing/standIns.ts';
import { upstreamExtract, upstreamSegments } from './upstream.ts';
import { quantizeMatrix } from './vectors.ts';

const embedder = new HashingEmbedder(128);
const SKILLS = ['Java programming language', 'SQL databases and queries', 'bake bread in ovens'];
const OCCUPATIONS = ['software developer writing code', 'baker'];

async function matrices() {
  return {
    skill: quantizeMatrix(await embedder.embed(SKILLS), SKILLS.length, 128, 'f16'),
    occupation: quantizeMatrix(await embedder.embed(OCCUPATIONS), OCCUPATIONS.length, 128, 'f16'),
  };
}

describe('upstream baseline', () => {
  it('cuts sentences without splitting enumerations', () => {
    expect(upstreamSegments('We need Java and SQL, and Python. You bake bread.').map((s) => s.text)).toEqual(['We need Java and SQL, and Python', 'You bake bread']);
  });

  it('keeps the single best concept per sentence above the threshold', async () => {
    const text = 'Java programming language skills. Bake bread in ovens daily. Nothing relevant here.';
    const r = await upstreamExtract(text, embedder, await matrices(), { thresholds: { skill: 0.5, occupation: 0.99 } });
    const skills = r.candidates.filter((c) => c.kind === 'skill');
    expect(skills.map((c) => SKILLS[c.index])).toEqual(['Java programming language', 'bake bread in ovens']);
    expect(skills.every((c) => c.evidence.length === 1 && c.retrieval >= 0.5)).toBe(true);
    expect(r.candidates.filter((c) => c.kind === 'occupation')).toEqual([]);
  });

  it('returns each sentence\'s top k, unthresholded, in ranked mode', async () => {
    const r = await upstreamExtract('Java programming.', embedder, await matrices(), { rankK: 3 });
    expect(r.candidates.filter((c) => c.kind === 'skill')).toHaveLength(3);
    expect(r.candidates.filter((c) => c.kind === 'occupation')).toHaveLength(2);
  });
});
