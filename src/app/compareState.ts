// State of the "CV against job ad" view kept in the app's store (store.ts `compare`): per pane the
// text, the file it came from, and its latest lexical and dense results (each with the text it was
// computed on, so evidence offsets always refer to the right text). compare.ts keeps it up to date;
// compareSelectors.ts derives the comparison.
import type { ExtractionResult } from '../core/pipeline.ts';

/** A result with the text it was computed on (the store's TextResult; not imported, store.ts imports this module). */
interface TextResult {
  text: string;
  result: ExtractionResult;
}

export type PaneId = 'ad' | 'cv';

export interface ComparePane {
  text: string;
  /** The file the text was read from; null when pasted or typed. */
  fileName: string | null;
  lexical: TextResult | null;
  dense: TextResult | null;
  pending: boolean;
  /** Semantic matching failed for this pane (label matches are still shown). */
  error: string | null;
  /** The last file that could not be read (the text stays as it was). */
  fileError: string | null;
}

export type CompareState = Record<PaneId, ComparePane>;

const emptyPane: ComparePane = { text: '', fileName: null, lexical: null, dense: null, pending: false, error: null, fileError: null };

export const initialCompareState: CompareState = { ad: emptyPane, cv: emptyPane };

export const PANE_NAMES: Record<PaneId, string> = { ad: 'Job ad', cv: 'CV' };
/** The pane's name inside a sentence ("open the CV file"). */
export const PANE_NOUNS: Record<PaneId, string> = { ad: 'job ad', cv: 'CV' };

/** The result to use for a pane: the dense one for its current text, else the instant lexical one. */
export function paneResult(pane: ComparePane): TextResult | null {
  if (!pane.text.trim()) return null;
  if (pane.dense && pane.dense.text === pane.text) return pane.dense;
  return pane.lexical && pane.lexical.text === pane.text ? pane.lexical : null;
}
