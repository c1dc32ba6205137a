// One result entry: label (in the display language, the English preferred label beside it, English
// marked where the language has none) linked to its ESCO URI, type line, score as number and bar,
// and badges for the signals that found it. In the grouped views an entry may carry broader skills
// found on the same evidence, shown as a muted "within: ..." line; variants of the skill found on
// the same words (skillVariants.ts) show as "also: ...", and a skill ESCO lists for the text's
// occupation says so ("essential skill of ..."). Hovering or focusing it
// highlights its evidence in the text, and it lights up when one of its spans is hovered.
// Memoised on the candidate object (stable across slider moves: only applyThresholds' wrapper
// objects are new), the score and the context, so a slider move re-renders only entries that
// appear or whose score changed.
import { memo, useMemo } from 'react';
import type { Candidate, OccupationProfileMatch, Signal } from '../../core/pipeline.ts';
import type { LocalizedLabels } from '../../core/labelPacks.ts';
import type { Taxonomy } from '../../core/taxonomy.ts';
import type { ShownCandidate } from '../../core/thresholds.ts';
import { conceptKey, conceptOf, conceptTypeLine, shownLabel } from '../concepts.ts';
import { languageName } from '../languagePlan.ts';
import { formatScore } from '../format.ts';
import { useAppStore } from '../store.ts';

const SIGNAL_TEXT: Record<Signal, string> = { lexical: 'lexical', embedding: 'embedding', reranker: 'reranker', document: 'document' };
const SIGNAL_TITLE: Record<Signal, string> = {
  lexical: 'An ESCO label was found in the text',
  embedding: 'A sentence of the text is close in meaning (embedding)',
  reranker: 'Confirmed by the cross-encoder reranker',
  document: 'The whole document is close in meaning',
};

const NO_CONTEXT: readonly ShownCandidate[] = [];

interface ResultItemProps {
  candidate: Candidate;
  score: number;
  /** Broader skills folded into this entry (grouped views). */
  context?: readonly ShownCandidate[];
  /** Variants of this skill found on the same words (applyThresholds folds them). */
  variants?: readonly ShownCandidate[];
}

function sameContext(a: readonly ShownCandidate[], b: readonly ShownCandidate[]): boolean {
  return a.length === b.length && a.every((x, i) => x.candidate === b[i].candidate && x.score === b[i].score);
}

export const ResultItem = memo(
  ResultItemView,
  (a, b) =>
    a.candidate === b.candidate &&
    a.score === b.score &&
    sameContext(a.context ?? NO_CONTEXT, b.context ?? NO_CONTEXT) &&
    sameContext(a.variants ?? NO_CONTEXT, b.variants ?? NO_CONTEXT),
);

function ResultItemView({ candidate: c, score, context = NO_CONTEXT, variants = NO_CONTEXT }: ResultItemProps) {
  const key = conceptKey(c.kind, c.index);
  // The entry's own key first (the document's marks carry it), then the folded skills'.
  const keys = useMemo(() => [key, ...[...context, ...variants].map((x) => conceptKey(x.candidate.kind, x.candidate.index))], [key, context, variants]);
  // Two subscriptions per entry; the actions are read when an event fires (see DocumentView's Mark).
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const active = useAppStore((s) => (s.hover ? keys.some((k) => s.hover!.keys.includes(k)) : false));
  const labels = useAppStore((s) => s.language.labels);
  const { setHover, clearHover } = useAppStore.getState();
  const concept = taxonomy ? conceptOf(taxonomy, c.kind, c.index) : undefined;
  if (!taxonomy || !concept) return null;
  const name = shownLabel(taxonomy, labels, c.kind, c.index);
  const pct = Math.round(Math.max(0, Math.min(1, score)) * 100);

  return (
    <li
      className={active ? 'result active' : 'result'}
      data-key={key}
      onMouseEnter={() => setHover({ keys, via: 'mouse' })}
      onMouseLeave={() => clearHover('mouse')}
      onFocus={() => setHover({ keys, via: 'focus' })}
      onBlur={() => clearHover('focus')}
    >
      <div className="result-main">
        <span className="result-labels">
          <a className="result-label" href={concept.uri} target="_blank" rel="noopener noreferrer" title={concept.uri} lang={name.language} data-language={name.language}>
            {name.label}
          </a>
          {name.fallback && labels && (
            <span className="badge badge-fallback" title={`ESCO has no ${languageName(labels.language)} label for this concept: the English one is shown`}>
              EN
            </span>
          )}
          {name.label !== name.english && (
            <span className="result-label-en muted" lang="en" data-testid="label-en">
              {name.english}
            </span>
          )}
        </span>
        <span className="result-score" title={`Score ${score.toFixed(4)}`}>
          {formatScore(score)}
        </span>
      </div>
      <div className="score-bar" aria-hidden="true">
        <span style={{ width: `${pct}%` }} />
      </div>
      <div className="result-meta">
        <span className="type-line">{conceptTypeLine(taxonomy, c.kind, c.index)}</span>
        <span className="badges" aria-label={`found by: ${c.signals.join(', ')}`}>
          {c.signals.map((s) => (
            <span key={s} className={`badge badge-${s}`} title={SIGNAL_TITLE[s]}>
              {SIGNAL_TEXT[s]}
            </span>
          ))}
        </span>
      </div>
      {c.profile && <ProfileLine profile={c.profile} taxonomy={taxonomy} labels={labels} />}
      <FoldedLine testId="result-variants" lead="also" items={variants} why="A variant found on the same words" taxonomy={taxonomy} labels={labels} />
      <FoldedLine testId="result-context" lead="within" items={context} why="Broader skill found on the same evidence" taxonomy={taxonomy} labels={labels} />
    </li>
  );
}

/** Why the document's occupation made this skill likelier: ESCO lists it for that occupation (Candidate.profile). */
function ProfileLine({ profile, taxonomy, labels }: { profile: OccupationProfileMatch; taxonomy: Taxonomy; labels: LocalizedLabels | null }) {
  const concept = conceptOf(taxonomy, 'occupation', profile.occupation);
  const label = shownLabel(taxonomy, labels, 'occupation', profile.occupation);
  return (
    <p className="result-context muted" data-testid="result-profile">
      {profile.relation} skill of{' '}
      <a href={concept?.uri} target="_blank" rel="noopener noreferrer" title="ESCO's occupation profile, for an occupation this text is about" lang={label.language}>
        {label.label}
      </a>
    </p>
  );
}

interface FoldedLineProps {
  testId: string;
  lead: string;
  items: readonly ShownCandidate[];
  /** Why they are folded here (the link's tooltip, before its score). */
  why: string;
  taxonomy: Taxonomy;
  labels: LocalizedLabels | null;
}

/** The skills folded into an entry, as a muted line of links ("also: ...", "within: ..."). */
function FoldedLine({ testId, lead, items, why, taxonomy, labels }: FoldedLineProps) {
  if (!items.length) return null;
  return (
    <p className="result-context muted" data-testid={testId}>
      {lead}:{' '}
      {items.map((x, i) => {
        const concept = conceptOf(taxonomy, x.candidate.kind, x.candidate.index);
        const label = shownLabel(taxonomy, labels, x.candidate.kind, x.candidate.index);
        return (
          <span key={x.candidate.index}>
            {i > 0 && '; '}
            <a href={concept?.uri} target="_blank" rel="noopener noreferrer" title={`${why}, score ${formatScore(x.score)}`} lang={label.language}>
              {label.label}
            </a>
          </span>
        );
      })}
    </p>
  );
}
