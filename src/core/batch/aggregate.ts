// Aggregates across the documents of a batch: for each concept, how many documents had it among
// their shown rows, and the share of documents that is. The state is small (bounded by the
// taxonomy, not the input), serialisable into a checkpoint, and shard states add up exactly.
import type { ConceptKind } from '../taxonomy.ts';
import type { AggregateState, ResultRow } from './types.ts';

export interface ConceptFrequency {
  kind: ConceptKind;
  uri: string;
  label: string;
  /** Documents with this concept shown. */
  documents: number;
  /** documents / all analysed documents. */
  share: number;
}

export function emptyAggregates(): AggregateState {
  return { documents: 0, withAny: { skill: 0, occupation: 0 }, counts: [] };
}

export class Aggregator {
  private documents = 0;
  private readonly withAny = { skill: 0, occupation: 0 };
  private readonly counts = new Map<string, { kind: ConceptKind; uri: string; label: string; n: number }>();

  constructor(state?: AggregateState) {
    if (state) this.merge(state);
  }

  /** Counts one analysed document by its rows (only shown rows count; each concept once). */
  addDocument(rows: readonly ResultRow[]): void {
    this.documents++;
    const seen = new Set<string>();
    const any = { skill: false, occupation: false };
    for (const r of rows) {
      if (!r.shown) continue;
      any[r.kind] = true;
      const k = `${r.kind} ${r.uri}`;
      if (seen.has(k)) continue;
      seen.add(k);
      this.bump(r.kind, r.uri, r.label, 1);
    }
    if (any.skill) this.withAny.skill++;
    if (any.occupation) this.withAny.occupation++;
  }

  private bump(kind: ConceptKind, uri: string, label: string, n: number): void {
    const k = `${kind} ${uri}`;
    const e = this.counts.get(k);
    if (e) e.n += n;
    else this.counts.set(k, { kind, uri, label, n });
  }

  /** Adds another state (a resumed run's, or another shard's). */
  merge(state: AggregateState): void {
    this.documents += state.documents;
    this.withAny.skill += state.withAny.skill;
    this.withAny.occupation += state.withAny.occupation;
    for (const [kind, uri, label, n] of state.counts) this.bump(kind, uri, label, n);
  }

  state(): AggregateState {
    const counts = [...this.counts.values()]
      .sort((a, b) => (a.kind === b.kind ? (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0) : a.kind === 'skill' ? -1 : 1))
      .map((e): AggregateState['counts'][number] => [e.kind, e.uri, e.label, e.n]);
    return { documents: this.documents, withAny: { ...this.withAny }, counts };
  }

  /** The most frequent concepts of a kind (ties: by URI, so the order is stable). */
  top(kind: ConceptKind, n = 20): ConceptFrequency[] {
    const out: ConceptFrequency[] = [];
    for (const e of this.counts.values()) {
      if (e.kind !== kind) continue;
      out.push({ kind, uri: e.uri, label: e.label, documents: e.n, share: this.documents ? e.n / this.documents : 0 });
    }
    out.sort((a, b) => b.documents - a.documents || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    return out.slice(0, n);
  }

  get documentCount(): number {
    return this.documents;
  }

  /** Share of documents with at least one shown concept of the kind. */
  shareWithAny(kind: ConceptKind): number {
    return this.documents ? this.withAny[kind] / this.documents : 0;
  }
}

/** A markdown table of the most frequent concepts (CLI summary, notes). */
export function formatTopTable(rows: readonly ConceptFrequency[]): string {
  const lines = ['| # | concept | documents | share |', '|---:|---|---:|---:|'];
  rows.forEach((r, i) => lines.push(`| ${i + 1} | ${r.label.replace(/\|/g, '\\|')} | ${r.documents} | ${(r.share * 100).toFixed(1)}% |`));
  return lines.join('\n');
}
