// The CV against job ad view: the two text panes side by side, the thresholds (the same settings as
// the single-text view, applied to both texts), and the comparison. A sample pair shows what it does.
import type { ConceptKind } from '../../../core/taxonomy.ts';
import { setPaneText } from '../../compare.ts';
import { SAMPLE_JOB_AD } from '../../sampleAd.ts';
import { SAMPLE_CV } from '../../sampleCv.ts';
import { useAppStore } from '../../store.ts';
import { ComparePaneInput } from './ComparePaneInput.tsx';
import { CompareResults } from './CompareResults.tsx';

function CompareThreshold({ kind }: { kind: ConceptKind }) {
  const value = useAppStore((s) => (kind === 'skill' ? s.settings.thresholds.skillThreshold : s.settings.thresholds.occupationThreshold));
  const setThresholds = useAppStore((s) => s.setThresholds);
  const id = `compare-${kind}-threshold`;
  return (
    <div className="threshold">
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
    </div>
  );
}

export function CompareView() {
  const resetThresholds = useAppStore((s) => s.resetThresholds);
  return (
    <div className="compare-view">
      <div className="compare-panes">
        <ComparePaneInput id="ad" />
        <ComparePaneInput id="cv" />
      </div>
      <section className="panel compare-controls" aria-label="Comparison settings">
        <div className="threshold-grid">
          <CompareThreshold kind="skill" />
          <CompareThreshold kind="occupation" />
        </div>
        <div className="button-row">
          <button
            type="button"
            onClick={() => {
              setPaneText('ad', SAMPLE_JOB_AD, 'sample');
              setPaneText('cv', SAMPLE_CV, 'sample');
            }}
          >
            Try a sample ad and CV
          </button>
          <button type="button" onClick={resetThresholds}>
            Reset thresholds
          </button>
          <span className="hint">Both texts stay on this device. The thresholds are those of the single-text view.</span>
        </div>
      </section>
      <CompareResults />
    </div>
  );
}
