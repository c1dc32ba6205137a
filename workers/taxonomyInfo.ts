// The taxonomy as the engine worker loads it: the full asset, and its small build-info.json
// (scripts/build-taxonomy.ts writes it beside the asset), which gives the identity and row counts
// the embedding cache is keyed and checked by before the 12 MB asset is fetched and parsed.
import { validateTaxonomy, type Taxonomy } from '../src/core/taxonomy.ts';

/** What the worker needs of the taxonomy before the asset itself is parsed. */
export interface TaxonomyInfo {
  escoVersion: string;
  language: string;
  contentHash: string;
  counts: { skills: number; occupations: number };
}

/** build-info.json beside the taxonomy asset, or null when it cannot be had (offline, older build): start-up then waits for the asset. */
export async function fetchTaxonomyInfo(taxonomyUrl: string): Promise<TaxonomyInfo | null> {
  try {
    const res = await fetch(new URL('build-info.json', taxonomyUrl));
    if (!res.ok) return null;
    const v = (await res.json()) as Partial<TaxonomyInfo> | null;
    const ok = v && typeof v.escoVersion === 'string' && typeof v.language === 'string' && typeof v.contentHash === 'string' && Number.isInteger(v.counts?.skills) && Number.isInteger(v.counts?.occupations);
    return ok ? (v as TaxonomyInfo) : null;
  } catch {
    return null;
  }
}

export async function fetchTaxonomy(taxonomyUrl: string): Promise<Taxonomy> {
  const res = await fetch(taxonomyUrl);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${taxonomyUrl}`);
  return validateTaxonomy(await res.json());
}

/** The asset is the one build-info described (a stale copy of either would key the wrong cache). */
export function sameTaxonomy(info: TaxonomyInfo, t: Taxonomy): boolean {
  return info.contentHash === t.contentHash && info.escoVersion === t.escoVersion && info.language === t.language && info.counts.skills === t.skills.length && info.counts.occupations === t.occupations.length;
}
