// The results: label filter and sort order, extraction notices, and the Skills and Occupations
// lists. While a newer result is computed the previous one stays, dimmed and aria-busy.
import { usePerfMarks } from '../perfMarks.ts';
import { selectBusy, selectDisplayed } from '../selectors.ts';
import { useAppStore, type SortBy } from '../store.ts';
import { ResultList } from './ResultList.tsx';

const STAGE_TEXT = { lexical: 'label matches', embedding: 'semantic matches', reranked: 'semantic matches, reranked' } as const;

export function ResultsPanel() {
  const shown = useAppStore(selectDisplayed);
  const busy = useAppStore(selectBusy);
  const filter = useAppStore((s) => s.filter);
  const setFilter = useAppStore((s) => s.setFilter);
  const sortBy = useAppStore((s) => s.settings.sortBy);
  const setSettings = useAppStore((s) => s.setSettings);
  const text = useAppStore((s) => s.text);
  const stage = shown?.result.stage;
  usePerfMarks(shown, text, busy);

  return (
    <section className="panel results-panel" aria-labelledby="results-heading" aria-busy={busy} data-stage={stage ?? 'none'}>
      <div className="panel-head">
        <h2 id="results-heading">Results</h2>
        <span className="muted stage" role="status">
          {!text.trim() ? '' : busy ? 'Updating…' : stage ? STAGE_TEXT[stage] : ''}
        </span>
      </div>
      <div className="result-controls">
        <div className="field">
          <label htmlFor="result-filter">Filter by label</label>
          <input id="result-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. java" />
        </div>
        <div className="field">
          <label htmlFor="result-sort">Sort by</label>
          <select id="result-sort" value={sortBy} onChange={(e) => setSettings({ sortBy: e.target.value as SortBy })}>
            <option value="score">Score</option>
            <option value="appearance">Order of appearance</option>
          </select>
        </div>
      </div>
      {shown?.result.notices.map((n) => (
        <p key={n} className="message warn">
          {n}
        </p>
      ))}
      <div className={busy ? 'result-columns busy' : 'result-columns'}>
        <ResultList kind="skill" />
        <ResultList kind="occupation" />
      </div>
    </section>
  );
}
