// The comparison of a job ad with a CV: the match figure with its definition, then the ad's skills
// the CV has (evidence in both texts: each quote selects its span in its pane), those it has a
// neighbour of, those missing from the CV and the CV's extras; the same for occupations. Everything
// is recomputed on the main thread when a threshold moves (compareSelectors.ts).
import { rankedEvidence } from '../../../core/skillGap.ts';
import type { ConceptKind } from '../../../core/taxonomy.ts';
import type { ShownCandidate } from '../../../core/thresholds.ts';
import { selectCompare } from '../../compareSelectors.ts';
import { PANE_NAMES, PANE_NOUNS, type PaneId } from '../../compareState.ts';
import { conceptOf, shownLabel } from '../../concepts.ts';
import { evidenceQuote, formatScore } from '../../format.ts';
import { useAppStore } from '../../store.ts';
import { showEvidence } from './ComparePaneInput.tsx';

const QUOTE_CHARS = 70;

/** A button quoting the best evidence of a result in one pane; clicking selects it there. */
function EvidenceLink({ pane, shown }: { pane: PaneId; shown: ShownCandidate }) {
  const text = useAppStore(selectCompare).texts[pane];
  const basis = useAppStore((s) => s.settings.thresholds.scoreBasis);
  const best = rankedEvidence(shown.candidate.evidence, basis)[0];
  if (!best) return null;
  return (
    <button type="button" className="evidence-link" data-pane={pane} onClick={() => showEvidence(pane, best.start, best.end)} title={`Show in the ${PANE_NOUNS[pane]}`}>
      <span className="evidence-pane">{PANE_NAMES[pane]}:</span> “{evidenceQuote(text, best, QUOTE_CHARS)}” <span className="muted">{formatScore(shown.score)}</span>
    </button>
  );
}

function ConceptName({ kind, index }: { kind: ConceptKind; index: number }) {
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const labels = useAppStore((s) => s.language.labels);
  const concept = taxonomy ? conceptOf(taxonomy, kind, index) : undefined;
  if (!taxonomy || !concept) return null;
  const name = shownLabel(taxonomy, labels, kind, index);
  return (
    <a className="result-label" href={concept.uri} target="_blank" rel="noopener noreferrer" title={concept.uri} lang={name.language}>
      {name.label}
    </a>
  );
}

interface Row {
  key: string;
  kind: ConceptKind;
  index: number;
  uri: string;
  ad?: ShownCandidate;
  cv?: ShownCandidate;
  /** A related pair: the CV's concept shown beside the ad's. */
  cvIndex?: number;
}

function RowList({ title, rows, testId, empty }: { title: string; rows: Row[]; testId: string; empty: string }) {
  return (
    <div className="compare-list" data-testid={testId}>
      <h3>
        {title} <span className="count">{rows.length}</span>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul>
          {rows.map((r) => (
            <li key={r.key} data-uri={r.uri} className="compare-row">
              <ConceptName kind={r.kind} index={r.index} />
              {r.cvIndex !== undefined && (
                <span className="muted">
                  {' '}
                  ↔ CV has <ConceptName kind={r.kind} index={r.cvIndex} />
                </span>
              )}
              <div className="evidence-links">
                {r.ad && <EvidenceLink pane="ad" shown={r.ad} />}
                {r.cv && <EvidenceLink pane="cv" shown={r.cv} />}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CompareResults() {
  const { match, notice } = useAppStore(selectCompare);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const pending = useAppStore((s) => s.compare.ad.pending || s.compare.cv.pending);
  // Both panes show the model's result for their current text (not only label matches).
  const final = useAppStore((s) => (['ad', 'cv'] as const).every((id) => s.compare[id].dense?.text === s.compare[id].text));
  const uri = (kind: ConceptKind, index: number) => (taxonomy ? (conceptOf(taxonomy, kind, index)?.uri ?? '') : '');
  const row = (kind: ConceptKind, index: number, extra: Omit<Row, 'key' | 'kind' | 'index' | 'uri'>): Row => ({ key: `${kind}:${index}:${extra.cvIndex ?? ''}`, kind, index, uri: uri(kind, index), ...extra });
  return (
    <section className="panel compare-results" aria-labelledby="compare-results-heading" aria-busy={pending} data-final={final}>
      <h2 id="compare-results-heading">How the CV fits the job ad</h2>
      {pending && (
        <p className="muted" role="status">
          Refining with the model…
        </p>
      )}
      {notice && (
        <p className="message" role="status" data-testid="compare-notice">
          {notice}
        </p>
      )}
      {match && (
        <>
          <div className="match-figure" data-testid="match-figure">
            <span className="match-value">{match.score === null ? '–' : `${Math.round(match.score * 100)} %`}</span>
            <span className="muted">
              {' '}
              match · {match.skills.met.length} met, {match.skills.related.length} related, {match.skills.missing.length} missing of the ad's skills
            </span>
          </div>
          <details className="match-definition">
            <summary>How the match is computed</summary>
            <p data-testid="match-definition">{match.definition}</p>
          </details>
          <h3 className="compare-kind">Skills</h3>
          <div className="compare-grid">
            <RowList title="In the ad and the CV" testId="skills-met" empty="None of the ad's skills is in the CV." rows={match.skills.met.map((p) => row('skill', p.skillIndex, { ad: p.ad, cv: p.cv }))} />
            <RowList
              title="Related in the CV (same ESCO skill group)"
              testId="skills-related"
              empty="No related skills."
              rows={match.skills.related.map((p) => row('skill', p.skillIndex, { ad: p.ad, cv: p.cv, cvIndex: p.cvSkillIndex }))}
            />
            <RowList title="Missing from the CV" testId="skills-missing" empty="The CV has every skill the ad asks for." rows={match.skills.missing.map((p) => row('skill', p.skillIndex, { ad: p.ad }))} />
            <RowList title="Extra in the CV" testId="skills-extra" empty="The CV shows no skills beyond the ad's." rows={match.skills.extra.map((p) => row('skill', p.skillIndex, { cv: p.cv }))} />
          </div>
          <h3 className="compare-kind">Occupations</h3>
          <div className="compare-grid">
            <RowList title="In the ad and the CV" testId="occupations-met" empty="No occupation in common." rows={match.occupations.met.map((p) => row('occupation', p.occupationIndex, { ad: p.ad, cv: p.cv }))} />
            <RowList
              title="Related (same ISCO unit group)"
              testId="occupations-related"
              empty="No related occupations."
              rows={match.occupations.related.map((p) => row('occupation', p.occupationIndex, { ad: p.ad, cv: p.cv, cvIndex: p.cvOccupationIndex }))}
            />
            <RowList title="The ad's, not in the CV" testId="occupations-missing" empty="None." rows={match.occupations.missing.map((p) => row('occupation', p.occupationIndex, { ad: p.ad }))} />
            <RowList title="The CV's, not in the ad" testId="occupations-extra" empty="None." rows={match.occupations.extra.map((p) => row('occupation', p.occupationIndex, { cv: p.cv }))} />
          </div>
        </>
      )}
    </section>
  );
}
