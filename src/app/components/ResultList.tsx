// One list of results (skills or occupations) with its "n of m" count and empty states: the flat
// ranked list, or in the grouped views collapsible sections (ESCO skill groups, skill types, ISCO
// major groups) with their counts. Entries are keyed by concept key and memoised (ResultItem), so
// a slider move re-renders only entries that change; sections are keyed by group and keep their
// open/closed state while the results change under them.
import { useId, useState } from 'react';
import type { ConceptKind } from '../../core/taxonomy.ts';
import { conceptKey } from '../concepts.ts';
import { selectGrouped, selectLists, type ResultSection } from '../selectors.ts';
import { useAppStore } from '../store.ts';
import { ResultItem } from './ResultItem.tsx';

export function ResultList({ kind }: { kind: ConceptKind }) {
  const lists = useAppStore(selectLists);
  const grouped = useAppStore(selectGrouped);
  const hasText = useAppStore((s) => s.text.trim().length > 0);
  const filtering = useAppStore((s) => s.filter.trim().length > 0);
  const items = kind === 'skill' ? lists.skills : lists.occupations;
  const sections = grouped ? (kind === 'skill' ? grouped.skills : grouped.occupations) : null;
  const title = kind === 'skill' ? 'Skills' : 'Occupations';
  const id = `${kind}-results-heading`;

  let empty = '';
  if (!hasText) empty = `Paste a text to see ${title.toLowerCase()}.`;
  else if (items.length === 0 && filtering && lists.kept[kind] > 0) empty = 'No result matches the filter.';
  else if (items.length === 0) empty = `No ${title.toLowerCase()} above the threshold.`;

  return (
    <section className="result-list-section" aria-labelledby={id} data-testid={`${kind}-results`} data-grouping={sections ? grouped!.grouping : 'list'}>
      <h3 id={id}>
        {title} <span className="count">{hasText ? `${items.length}` : ''}</span>
      </h3>
      {empty ? (
        <p className="muted empty">{empty}</p>
      ) : sections ? (
        <div className="result-groups">
          {sections.map((section) => (
            <ResultGroup key={section.key} section={section} />
          ))}
        </div>
      ) : (
        <ol className="result-list">
          {items.map((x) => (
            <ResultItem key={conceptKey(x.candidate.kind, x.candidate.index)} candidate={x.candidate} score={x.score} variants={x.variants} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** One collapsible section: a heading button (aria-expanded) over its entries. */
function ResultGroup({ section }: { section: ResultSection }) {
  const [open, setOpen] = useState(true);
  const listId = useId();
  const count = section.entries.reduce((n, e) => n + 1 + e.context.length + (e.shown.variants?.length ?? 0), 0);
  return (
    <div className="result-group" data-group={section.key}>
      <h4 className="result-group-heading">
        <button type="button" className="result-group-toggle" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
          <span className="result-group-caret" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>{' '}
          <span className="result-group-title" lang={section.language}>
            {section.heading}
          </span>{' '}
          <span className="count">{count}</span>
        </button>
      </h4>
      <ol className="result-list" id={listId} hidden={!open}>
        {section.entries.map((e) => (
          <ResultItem key={conceptKey(e.shown.candidate.kind, e.shown.candidate.index)} candidate={e.shown.candidate} score={e.shown.score} context={e.context} variants={e.shown.variants} />
        ))}
      </ol>
    </div>
  );
}
