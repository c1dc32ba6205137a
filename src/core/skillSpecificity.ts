// Skill specificity: an inverse occupation frequency (the IDF of information retrieval, with
// occupations as the documents) over the taxonomy's occupation-skill links. A skill that nearly every
// occupation lists ("communication") says little about a match; one that few list says much. Shared by
// the document match (documentMatch.ts) and occupation inference, so both weigh skills the same way.

import type { Taxonomy } from './taxonomy.ts';

/** What the number means, for the UI and the reports. */
export const SKILL_SPECIFICITY_DEFINITION =
  'Skill specificity = ln((N + 1) / (n + 1)) / ln(N + 1), where N is the number of ESCO occupations with at least one skill link ' +
  'and n the number of those occupations that list the skill as essential or optional (each occupation counted once). ' +
  '1 = no occupation lists it, 0 = every occupation lists it.';

// The taxonomy asset is loaded once and never mutated, so its object identity is a sound cache key
// and the cache lets go of the array when the taxonomy does.
const cache = new WeakMap<Taxonomy, Float32Array>();

/**
 * Specificity of every skill (index = skill index), 0..1, per SKILL_SPECIFICITY_DEFINITION. Computed
 * once per taxonomy object; the returned array is shared between callers and must not be written to.
 */
export function skillSpecificity(taxonomy: Taxonomy): Float32Array {
  const cached = cache.get(taxonomy);
  if (cached) return cached;
  const skillCount = taxonomy.skills.length;
  const df = new Uint32Array(skillCount);
  // Per-occupation stamp instead of a Set: a skill listed both as essential and as optional (ESCO
  // has a few) counts once for that occupation.
  const seenIn = new Int32Array(skillCount).fill(-1);
  let linked = 0;
  taxonomy.occupations.forEach((o, oi) => {
    let any = false;
    for (const list of [o.essentialSkills, o.optionalSkills]) {
      for (const s of list) {
        if (s < 0 || s >= skillCount || seenIn[s] === oi) continue;
        seenIn[s] = oi;
        df[s]++;
        any = true;
      }
    }
    if (any) linked++;
  });
  const out = new Float32Array(skillCount);
  const denominator = Math.log(linked + 1);
  for (let s = 0; s < skillCount; s++) {
    // No linked occupation at all: nothing tells skills apart, so all count fully.
    out[s] = denominator > 0 ? Math.log((linked + 1) / (df[s] + 1)) / denominator : 1;
  }
  cache.set(taxonomy, out);
  return out;
}
