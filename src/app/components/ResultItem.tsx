// One result entry: label (in the display language, the English preferred label beside it, English
// marked where the language has none) linked to its ESCO URI, type line, score as number and bar,
// and badges for the signals that found it. Hovering or focusing it highlights its evidence in the text, and
// it lights up when one of its spans is hovered.
import type { Signal } from '../../core/pipeline.ts';
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

export function ResultItem({ shown }: { shown: ShownCandidate }) {
  const { candidate: c, score } = shown;
  const key = conceptKey(c.kind, c.index);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const active = useAppStore((s) => s.hover?.keys.includes(key) ?? false);
  const setHover = useAppStore((s) => s.setHover);
  const clearHover = useAppStore((s) => s.clearHover);
  const labels = useAppStore((s) => s.language.labels);
  const concept = taxonomy ? conceptOf(taxonomy, c.kind, c.index) : undefined;
  if (!taxonomy || !concept) return null;
  const name = shownLabel(taxonomy, labels, c.kind, c.index);
  const pct = Math.round(Math.max(0, Math.min(1, score)) * 100);

  return (
    <li
      className={active ? 'result active' : 'result'}
      data-key={key}
      onMouseEnter={() => setHover({ keys: [key], via: 'mouse' })}
      onMouseLeave={() => clearHover('mouse')}
      onFocus={() => setHover({ keys: [key], via: 'focus' })}
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
    </li>
  );
}
