// Threshold sliders for skills and occupations with their histograms, the max-results (top-k)
// sliders, advanced score options and Reset. Every input event applies on the main thread
// (memoised applyThresholds); the worker is never called from here.
import { THRESHOLD_CALIBRATION, type ScoreBasis } from '../../core/thresholds.ts';
import type { ConceptKind } from '../../core/taxonomy.ts';
import { selectHistograms, selectLists } from '../selectors.ts';
import { useAppStore } from '../store.ts';
import { Histogram } from './Histogram.tsx';

/** The label, value and range input of one threshold; also used by the CV against job ad view. */
export function ThresholdRange({ kind, id }: { kind: ConceptKind; id: string }) {
  const value = useAppStore((s) => (kind === 'skill' ? s.settings.thresholds.skillThreshold : s.settings.thresholds.occupationThreshold));
  const setThresholds = useAppStore((s) => s.setThresholds);
  return (
    <>
      <div className="threshold-head">
        <label htmlFor={id}>{kind === 'skill' ? 'Skill threshold' : 'Occupation threshold'}</label>
        <output htmlFor={id}>{value.toFixed(2)}</output>
      </div>
      <input
        id={id}
        type="range"
        min={0}
        max={1}
        step={0.01}
        value={value}
        onChange={(e) => setThresholds(kind === 'skill' ? { skillThreshold: Number(e.target.value) } : { occupationThreshold: Number(e.target.value) })}
      />
    </>
  );
}

function ThresholdSlider({ kind }: { kind: ConceptKind }) {
  const value = useAppStore((s) => (kind === 'skill' ? s.settings.thresholds.skillThreshold : s.settings.thresholds.occupationThreshold));
  const histograms = useAppStore(selectHistograms);
  const lists = useAppStore(selectLists);
  const counts = histograms?.[kind] ?? new Array<number>(20).fill(0);
  return (
    <div className="threshold" data-testid={`${kind}-threshold`}>
      <ThresholdRange kind={kind} id={`${kind}-threshold`} />
      <Histogram counts={counts} cut={value} label={`${kind === 'skill' ? 'Skill threshold' : 'Occupation threshold'} histogram`} />
      <p className="muted kept" data-testid={`${kind}-kept`}>
        {lists.kept[kind]} of {lists.totals[kind]} kept
      </p>
    </div>
  );
}

function MaxSlider({ kind }: { kind: ConceptKind }) {
  const thresholds = useAppStore((s) => s.settings.thresholds);
  const setThresholds = useAppStore((s) => s.setThresholds);
  const value = kind === 'skill' ? thresholds.maxSkills : thresholds.maxOccupations;
  const id = `${kind}-max`;
  return (
    <div className="max-slider">
      <div className="threshold-head">
        <label htmlFor={id}>{kind === 'skill' ? 'Max skills' : 'Max occupations'}</label>
        <output htmlFor={id}>{value}</output>
      </div>
      <input
        id={id}
        type="range"
        min={1}
        max={kind === 'skill' ? 100 : 30}
        step={1}
        value={value}
        onChange={(e) => setThresholds(kind === 'skill' ? { maxSkills: Number(e.target.value) } : { maxOccupations: Number(e.target.value) })}
      />
    </div>
  );
}

export function ThresholdPanel() {
  const thresholds = useAppStore((s) => s.settings.thresholds);
  const setThresholds = useAppStore((s) => s.setThresholds);
  const resetThresholds = useAppStore((s) => s.resetThresholds);
  const thresholdsPreset = useAppStore((s) => s.settings.thresholdsPreset);
  return (
    <section className="panel threshold-panel" aria-labelledby="threshold-heading">
      <h2 id="threshold-heading">Thresholds</h2>
      <div className="threshold-grid">
        <ThresholdSlider kind="skill" />
        <ThresholdSlider kind="occupation" />
        <MaxSlider kind="skill" />
        <MaxSlider kind="occupation" />
      </div>
      <details className="advanced">
        <summary>Advanced</summary>
        <div className="field">
          <label htmlFor="score-basis">Score the cut applies to</label>
          <select id="score-basis" value={thresholds.scoreBasis} onChange={(e) => setThresholds({ scoreBasis: e.target.value as ScoreBasis })}>
            <option value="auto">Reranker where available, else similarity</option>
            <option value="retrieval">Similarity (cosine) only</option>
            <option value="rerank">Reranker only</option>
          </select>
        </div>
        <div className="checkbox">
          <input id="include-isco" type="checkbox" checked={thresholds.includeIscoGroups} onChange={(e) => setThresholds({ includeIscoGroups: e.target.checked })} />
          <label htmlFor="include-isco">Include ISCO groups among occupations</label>
        </div>
      </details>
      <p className="hint" data-testid="threshold-calibration">
        Defaults {THRESHOLD_CALIBRATION[thresholdsPreset] ?? 'not calibrated for this model'}.
      </p>
      <button type="button" onClick={resetThresholds}>
        Reset to defaults
      </button>
    </section>
  );
}
