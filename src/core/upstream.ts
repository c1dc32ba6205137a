// The upstream ESCO skill extractor's algorithm, kept as the evaluation baseline (`npm run eval --
// --baseline upstream`): concepts embedded by their description alone, the text cut into sentences,
// and per sentence the single most similar concept kept when its cosine clears a fixed threshold
// (0.6 for skills, 0.55 for occupations). It returns pipeline-shaped candidates so the same metrics
// apply; `rankK` > 1 also returns each sentence's top k (the "ranked" reading used for RP@k / MRR,
// where the thresholded top-1 alone would understate what the representation can do).
import type { Embedder } from './models.ts';
import type { Candidate } from './pipeline.ts';
import { segmentText, type Segment } from './segment.ts';
import type { ConceptKind } from './taxonomy.ts';
import { topK, type ConceptMatrix } from './vectors.ts';

export const UPSTREAM_THRESHOLDS: Record<ConceptKind, number> = { skill: 0.6, occupation: 0.55 };

export interface UpstreamOptions {
  /** 1: the upstream output (top-1 above the threshold). k > 1: every sentence's top k, unthresholded. */
  rankK: number;
  thresholds: Record<ConceptKind, number>;
}

export interface UpstreamResult {
  segments: Segment[];
  candidates: Candidate[];
}

/** Sentences as upstream cut them: no clause or enumeration splitting. */
export function upstreamSegments(text: string): Segment[] {
  return segmentText(text, { splitEnumerations: false }).segments;
}

export async function upstreamExtract(
  text: string,
  embedder: Embedder,
  matrices: Record<ConceptKind, ConceptMatrix>,
  options: Partial<UpstreamOptions> = {},
  segments: Segment[] = upstreamSegments(text),
): Promise<UpstreamResult> {
  const rankK = options.rankK ?? 1;
  const thresholds = options.thresholds ?? UPSTREAM_THRESHOLDS;
  if (segments.length === 0) return { segments, candidates: [] };
  const vectors = await embedder.embed(segments.map((s) => s.text));
  const byKey = new Map<string, Candidate>();
  for (const kind of ['skill', 'occupation'] as const) {
    const { indices, scores, k } = topK(matrices[kind], vectors, segments.length, rankK);
    for (let s = 0; s < segments.length; s++) {
      for (let j = 0; j < k; j++) {
        const index = indices[s * k + j];
        const score = scores[s * k + j];
        if (index < 0) break;
        if (rankK === 1 && score < thresholds[kind]) break;
        const key = `${kind}:${index}`;
        let c = byKey.get(key);
        if (!c) {
          c = { kind, index, retrieval: 0, lexical: 0, signals: ['embedding'], evidence: [], firstOffset: segments[s].start };
          byKey.set(key, c);
        }
        c.retrieval = Math.max(c.retrieval, score);
        c.evidence.push({ start: segments[s].start, end: segments[s].end, segmentIndex: s, signal: 'embedding', score });
      }
    }
  }
  return { segments, candidates: [...byKey.values()] };
}
