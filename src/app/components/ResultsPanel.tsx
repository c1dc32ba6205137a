// The results: label filter, sort order and layout (flat list, grouped by the ESCO hierarchy, or by
// skill type; persisted), extraction notices, and the Skills and Occupations lists. While a newer
// result is computed the previous one stays, dimmed and aria-busy.
import { usePerfMarks } from '../perfMarks.ts';
import { selectBusy, selectDisplayed } from '../selectors.ts';
import { useAppStore, type ResultGrouping, type SortBy } from '../store.ts';
import { ResultList } from './ResultList.tsx';

const STAGE_TEXT = { lexical: 'label matches', embedding: 'semantic matches', reranked: 'semantic matches, reranked' } as const;

const GROUPINGS: { value: ResultGrouping; label: string; title: string }[] = [
  { value: 'list', label: 'List', title: 'One ranked list' },
  { value: 'hierarchy', label: 'Grouped by ESCO hierarchy', title: 'Skills by ESCO skill group, occupations by ISCO major group; a broader skill found on the same text is shown within the specific one' },
  { value: 'skillType', label: 'By skill type', title: 'Knowledge, skills and competences, transversal skills' },
];

export function ResultsPanel() {
  const shown = useAppStore(selectDisplayed);
  const busy = useAppStore(selectBusy);
  const filter = useAppStore((s) => s.filter);
  const setFilter = useAppStore((s) => s.setFilter);
  const sortBy = useAppStore((s) => s.settings.sortBy);
  const grouping = useAppStore((s) => s.settings.resultGrouping);
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
        <fieldset className="grouping-toggle">
          <legend>Show as</legend>
          {GROUPINGS.map((g) => (
            <label key={g.value} title={g.title}>
              <input type="radio" name="result-grouping" value={g.value} checked={grouping === g.value} onChange={() => setSettings({ resultGrouping: g.value })} />
              <span>{g.label}</span>
            </label>
          ))}
        </fieldset>
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
