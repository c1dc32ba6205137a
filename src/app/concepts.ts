// Small helpers for naming and describing concepts on the main thread: candidates carry only
// kind + index, and the taxonomy held here turns them into labels, URIs and type lines.
import { displayLabel, type LocalizedLabels } from '../core/labelPacks.ts';
import type { ConceptKind, OccupationConcept, SkillConcept, Taxonomy } from '../core/taxonomy.ts';

/** Stable key of a concept, used to connect result entries and highlighted spans. */
export function conceptKey(kind: ConceptKind, index: number): string {
  return `${kind}:${index}`;
}

export function skillOf(taxonomy: Taxonomy, index: number): SkillConcept | undefined {
  return taxonomy.skills[index];
}

export function occupationOf(taxonomy: Taxonomy, index: number): OccupationConcept | undefined {
  return taxonomy.occupations[index];
}

export function conceptOf(taxonomy: Taxonomy, kind: ConceptKind, index: number): SkillConcept | OccupationConcept | undefined {
  return kind === 'skill' ? taxonomy.skills[index] : taxonomy.occupations[index];
}

export function conceptLabel(taxonomy: Taxonomy, kind: ConceptKind, index: number): string {
  return conceptOf(taxonomy, kind, index)?.label ?? `${kind} #${index}`;
}

/** "knowledge · cross-sector" for skills; "ISCO 2512 · Software developers" for occupations. */
export function conceptTypeLine(taxonomy: Taxonomy, kind: ConceptKind, index: number): string {
  if (kind === 'skill') {
    const s = taxonomy.skills[index];
    if (!s) return '';
    return [s.skillType || 'type not given', s.reuseLevel].filter(Boolean).join(' · ');
  }
  const o = taxonomy.occupations[index];
  if (!o) return '';
  const parent = o.parent >= 0 ? taxonomy.occupations[o.parent] : undefined;
  const code = o.iscoCode ? `ISCO ${o.iscoCode}` : 'no ISCO code';
  if (o.isIscoGroup) return `ISCO group ${o.iscoCode}`;
  return parent ? `${code} · ${parent.label}` : code;
}

/** A concept's label in the display language, with the English preferred label beside it. */
export interface ShownLabel {
  label: string;
  /** Language of `label`. */
  language: string;
  /** True when the display language has no label for the concept and English is shown. */
  fallback: boolean;
  /** The English preferred label (equals `label` when English is shown). */
  english: string;
}

/** The label to show: the display language's (labels given) else English, marked as a fallback. */
export function shownLabel(taxonomy: Taxonomy, labels: LocalizedLabels | null, kind: ConceptKind, index: number): ShownLabel {
  const english = conceptLabel(taxonomy, kind, index);
  if (!conceptOf(taxonomy, kind, index)) return { label: english, language: taxonomy.language, fallback: false, english };
  const d = displayLabel(taxonomy, labels ?? undefined, kind, index);
  return { label: d.label, language: d.language, fallback: d.fallback, english };
}
