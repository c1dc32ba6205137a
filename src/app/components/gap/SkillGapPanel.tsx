// "Occupations and skill gap": the occupations the text's skills point to (inferred from ESCO's
// occupation-skill links, each with why), any of which, or one picked in the occupation search,
// becomes the target; then the target's essential and optional skills found and missing, with
// downloads and a printable report.
import type { InferredOccupation } from '../../../core/occupationInference.ts';
import { shownLabel } from '../../concepts.ts';
import { downloadGap, openGapReport, selectGap, selectInferredOccupations, setGapTarget } from '../../gap.ts';
import { useAppStore } from '../../store.ts';
import { GapLists } from './GapLists.tsx';

function InferredList({ list, target }: { list: InferredOccupation[]; target: number | null }) {
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const labels = useAppStore((s) => s.language.labels);
  if (!taxonomy) return null;
  return (
    <ol className="inferred-list" data-testid="inferred-occupations">
      {list.map((o) => {
        const occupation = taxonomy.occupations[o.index];
        if (!occupation) return null;
        const name = shownLabel(taxonomy, labels, 'occupation', o.index);
        return (
          <li key={o.index} data-uri={occupation.uri} className={o.index === target ? 'inferred active' : 'inferred'}>
            <div className="result-main">
              <a className="result-label" href={occupation.uri} target="_blank" rel="noopener noreferrer" title={occupation.uri} lang={name.language}>
                {name.label}
              </a>
              <span className="result-score" title={`Combined score ${o.score.toFixed(4)}`}>
                {o.score.toFixed(2)}
              </span>
            </div>
            <p className="muted inferred-why">{o.explanation}</p>
            <button type="button" onClick={() => setGapTarget(o.index)} aria-pressed={o.index === target}>
              Skill gap
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function GapTarget() {
  const view = useAppStore(selectGap);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const labels = useAppStore((s) => s.language.labels);
  if (!view || !taxonomy) return null;
  const occupation = taxonomy.occupations[view.target];
  const name = shownLabel(taxonomy, labels, 'occupation', view.target);
  return (
    <div className="gap-target" data-testid="skill-gap">
      <div className="gap-head">
        <h3 data-testid="gap-title">
          Skill gap to{' '}
          <a href={occupation?.uri} target="_blank" rel="noopener noreferrer" title={occupation?.uri} lang={name.language}>
            {name.label}
          </a>
        </h3>
        <button type="button" onClick={() => setGapTarget(null)}>
          Close
        </button>
      </div>
      {view.gap.ok ? (
        <>
          <GapLists taxonomy={taxonomy} gap={view.gap} text={view.text} interactive />
          <div className="button-row">
            <button type="button" onClick={() => downloadGap('json')}>
              Download JSON
            </button>
            <button type="button" onClick={() => downloadGap('csv')}>
              Download CSV
            </button>
            <button type="button" onClick={openGapReport}>
              Printable page
            </button>
          </div>
        </>
      ) : (
        <div className="message error" role="alert" data-testid="gap-error">
          <p>{view.gap.message}</p>
          {view.gap.suggestions.length > 0 && (
            <div className="button-row">
              {view.gap.suggestions.slice(0, 8).map((i) => (
                <button key={i} type="button" onClick={() => setGapTarget(i)}>
                  {shownLabel(taxonomy, labels, 'occupation', i).label}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

export function SkillGapPanel() {
  const inferred = useAppStore(selectInferredOccupations);
  const target = useAppStore((s) => s.gapTarget);
  const hasText = useAppStore((s) => s.text.trim().length > 0);
  return (
    <section className="panel skill-gap-panel" aria-labelledby="skill-gap-heading">
      <h2 id="skill-gap-heading">Occupations and skill gap</h2>
      {inferred.length > 0 ? (
        <>
          <p className="hint">Inferred from the skills found (ESCO's essential and optional skills of each occupation, specific skills weighing more) and the occupations named in the text.</p>
          <InferredList list={inferred} target={target} />
        </>
      ) : (
        <p className="muted">{hasText ? 'No occupation is suggested at the current thresholds.' : 'Occupations suggested by the skills in your text appear here.'}</p>
      )}
      <p className="hint">Or pick any occupation in “Find an ESCO occupation” and choose “Skill gap”.</p>
      <GapTarget />
    </section>
  );
}
