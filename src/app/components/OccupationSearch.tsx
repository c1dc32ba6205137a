// "Find an ESCO occupation": a search box ranking ESCO occupations (and ISCO groups) for a typed
// title, fuzzy and typo-tolerant (MiniSearch, titleSearch.ts), over English and the labels of the
// text's language once they are loaded. Results show the label in the display language with the
// English one beside it. The title index is built on the first search (about a second), so it is
// not built for every pasted ad: "Use the ad's title" fills the box with the ad's first line.
// "Skill gap" makes a hit the target of the skill gap panel.
import { useEffect, useRef, useState } from 'react';
import { titleLineOf } from '../../core/pipeline.ts';
import type { TitleHit } from '../../core/titleSearch.ts';
import { conceptTypeLine, shownLabel } from '../concepts.ts';
import { errorText } from '../engineClient.ts';
import { setGapTarget } from '../gap.ts';
import { languageName } from '../languagePlan.ts';
import { searchOccupations } from '../languages.ts';
import { useAppStore } from '../store.ts';

const SEARCH_DEBOUNCE_MS = 150;

export function OccupationSearch() {
  const taxonomy = useAppStore((s) => s.taxonomy.data);
  const labels = useAppStore((s) => s.language.labels);
  const active = useAppStore((s) => s.language.active);
  const gapTarget = useAppStore((s) => s.gapTarget);
  const title = useAppStore((s) => {
    const t = titleLineOf(s.text);
    return t ? s.text.slice(t.start, t.end) : '';
  });
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<TitleHit[] | null>(null);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const seq = useRef(0);

  useEffect(() => {
    const id = ++seq.current;
    if (!query.trim() || !taxonomy) {
      setHits(null);
      setState({ busy: false, error: null });
      return;
    }
    setState((s) => ({ ...s, busy: true }));
    const timer = setTimeout(() => {
      searchOccupations(query).then(
        (h) => {
          if (id !== seq.current) return;
          setHits(h);
          setState({ busy: false, error: null });
        },
        (e: unknown) => id === seq.current && setState({ busy: false, error: `The occupation search failed: ${errorText(e)}` }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `active`: a language whose labels just loaded re-ranks the same query with them
  }, [query, taxonomy, active]);

  return (
    <section className="panel occupation-search" aria-labelledby="occupation-search-heading">
      <h2 id="occupation-search-heading">Find an ESCO occupation</h2>
      <div className="field">
        <label htmlFor="occupation-query">
          Job title <span className="hint">(English{active ? ` or ${languageName(active)}` : ''}; typos are fine)</span>
        </label>
        <input id="occupation-query" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. Krankenpfleger, data scientist" autoComplete="off" />
      </div>
      {title && title !== query && (
        <div className="button-row">
          <button type="button" onClick={() => setQuery(title)} title={title}>
            Use the ad's title
          </button>
        </div>
      )}
      <p className="muted" role="status">
        {state.busy ? 'Searching…' : hits && hits.length === 0 ? 'No occupation found.' : ''}
      </p>
      {state.error && (
        <p className="message error" role="alert">
          {state.error}
        </p>
      )}
      {taxonomy && hits && hits.length > 0 && (
        <ol data-testid="occupation-search-results">
          {hits.map((h) => {
            const o = taxonomy.occupations[h.index];
            if (!o) return null;
            const shown = shownLabel(taxonomy, labels, 'occupation', h.index);
            return (
              <li key={h.index} data-uri={o.uri}>
                <a className="result-label" href={o.uri} target="_blank" rel="noopener noreferrer" title={o.uri} lang={shown.language}>
                  {shown.label}
                </a>{' '}
                {shown.label !== shown.english && (
                  <span className="result-label-en muted" lang="en">
                    {shown.english}
                  </span>
                )}
                <div className="hit-meta muted">
                  {conceptTypeLine(taxonomy, 'occupation', h.index)}
                  {h.label !== shown.label && h.label !== shown.english ? ` · matched “${h.label}” (${h.language})` : ''}
                </div>
                <button type="button" className="small" onClick={() => setGapTarget(h.index)} aria-pressed={gapTarget === h.index}>
                  Skill gap
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
