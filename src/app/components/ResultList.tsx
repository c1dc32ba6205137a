// One list of results (skills or occupations) with its "n of m" count and empty states.
import type { ConceptKind } from '../../core/taxonomy.ts';
import { conceptKey } from '../concepts.ts';
import { selectLists } from '../selectors.ts';
import { useAppStore } from '../store.ts';
import { ResultItem } from './ResultItem.tsx';

export function ResultList({ kind }: { kind: ConceptKind }) {
  const lists = useAppStore(selectLists);
  const hasText = useAppStore((s) => s.text.trim().length > 0);
  const filtering = useAppStore((s) => s.filter.trim().length > 0);
  const items = kind === 'skill' ? lists.skills : lists.occupations;
  const title = kind === 'skill' ? 'Skills' : 'Occupations';
  const id = `${kind}-results-heading`;

  let empty = '';
  if (!hasText) empty = `Paste a text to see ${title.toLowerCase()}.`;
  else if (items.length === 0 && filtering && lists.kept[kind] > 0) empty = 'No result matches the filter.';
  else if (items.length === 0) empty = `No ${title.toLowerCase()} above the threshold.`;

  return (
    <section className="result-list-section" aria-labelledby={id} data-testid={`${kind}-results`}>
      <h3 id={id}>
        {title} <span className="count">{hasText ? `${items.length}` : ''}</span>
      </h3>
      {empty ? (
        <p className="muted empty">{empty}</p>
      ) : (
        <ol className="result-list">
          {items.map((x) => (
            <ResultItem key={conceptKey(x.candidate.kind, x.candidate.index)} shown={x} />
          ))}
        </ol>
      )}
    </section>
  );
}
