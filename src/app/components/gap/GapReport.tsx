// The printable skill gap: a plain page with the target occupation, the date and thresholds, the
// coverage and every found and missing skill (evidence quoted from the text). Print and Back are
// hidden when printing; the print style sheet drops the app's header and tabs.
import { selectGap } from '../../gap.ts';
import { useAppStore } from '../../store.ts';
import { setView } from '../../view.ts';
import { GapLists } from './GapLists.tsx';

export function GapReport() {
  const view = useAppStore(selectGap);
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const occupation = view && taxonomy ? taxonomy.occupations[view.target] : undefined;
  return (
    <article className="gap-report" data-testid="gap-report">
      <div className="button-row no-print">
        <button type="button" onClick={() => window.print()} disabled={!view?.gap.ok}>
          Print
        </button>
        <button type="button" onClick={() => setView('single')}>
          Back
        </button>
      </div>
      {!view || !taxonomy || !occupation || !view.gap.ok ? (
        <p className="message">No skill gap to print: pick a target occupation in the single-text view first.</p>
      ) : (
        <>
          <h1>Skill gap: {occupation.label}</h1>
          <p className="muted">
            ESCO {taxonomy.escoVersion} · <span className="uri">{occupation.uri}</span> · ISCO {occupation.iscoCode} · {new Date().toLocaleDateString()}
          </p>
          <GapLists taxonomy={taxonomy} gap={view.gap} text={view.text} interactive={false} />
          <p className="muted gap-report-foot">Computed on this device by ESCO Skill Finder from the text analysed; the text was not uploaded. ESCO data © European Union, CC BY 4.0.</p>
        </>
      )}
    </article>
  );
}
