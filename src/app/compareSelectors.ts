// The comparison shown by the CV against job ad view, derived from the two panes at the current
// thresholds (documentMatch.ts), with the notice that explains an empty or odd comparison.
import { compareDocuments, type DocumentMatch } from '../core/documentMatch.ts';
import type { Taxonomy } from '../core/taxonomy.ts';
import type { ThresholdSettings } from '../core/thresholds.ts';
import { paneResult, type PaneId } from './compareState.ts';
import { memoize } from './selectors.ts';
import type { AppState, TextResult } from './store.ts';

export interface CompareView {
  match: DocumentMatch | null;
  /** Why there is no comparison yet, or a caveat about it (empty pane, identical texts). */
  notice: string | null;
  texts: Record<PaneId, string>;
}

const compareMemo = memoize((ad: TextResult | null, cv: TextResult | null, thresholds: ThresholdSettings, taxonomy: Taxonomy | null): CompareView => {
  const texts = { ad: ad?.text ?? '', cv: cv?.text ?? '' };
  let view: CompareView;
  if (!taxonomy) view = { match: null, notice: 'Loading the ESCO taxonomy…', texts };
  else if (!ad && !cv) view = { match: null, notice: 'Paste or open a job ad and a CV to compare them.', texts };
  else if (!ad) view = { match: null, notice: 'The job ad pane is empty: paste or open the job ad.', texts };
  else if (!cv) view = { match: null, notice: 'The CV pane is empty: paste or open the CV.', texts };
  else {
    const match = compareDocuments(taxonomy, ad.result.candidates, cv.result.candidates, thresholds);
    const identical = ad.text.trim() === cv.text.trim();
    view = { match, notice: identical ? 'The two texts are identical, so everything matches: did you mean to open another file in one pane?' : match.message, texts };
  }
  return view;
});

/** The comparison of the two panes at the current thresholds; memoised, so a slider move recomputes only this. */
export const selectCompare = (s: AppState): CompareView => compareMemo(paneResult(s.compare.ad), paneResult(s.compare.cv), s.settings.thresholds, s.taxonomy.data);
