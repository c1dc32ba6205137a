// The CV against job ad view: the two text panes side by side, the thresholds (the same settings as
// the single-text view, applied to both texts), and the comparison. A sample pair shows what it does.
import { setPaneText } from '../../compare.ts';
import { SAMPLE_JOB_AD } from '../../sampleAd.ts';
import { SAMPLE_CV } from '../../sampleCv.ts';
import { useAppStore } from '../../store.ts';
import { ThresholdRange } from '../ThresholdPanel.tsx';
import { ComparePaneInput } from './ComparePaneInput.tsx';
import { CompareResults } from './CompareResults.tsx';

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
          {(['skill', 'occupation'] as const).map((kind) => (
            <div key={kind} className="threshold">
              <ThresholdRange kind={kind} id={`compare-${kind}-threshold`} />
            </div>
          ))}
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
