// The analysed text with evidence highlighted. The text is only ever rendered as text nodes: runs
// are string slices, marked runs are <mark> elements around a slice. Hovering or focusing a mark
// lights up the results it is evidence for, and hovering a result lights up its marks.
import { Fragment } from 'react';
import { selectBusy, selectHighlight } from '../selectors.ts';
import { useAppStore } from '../store.ts';

export function DocumentView() {
  const model = useAppStore(selectHighlight);
  const busy = useAppStore(selectBusy);
  const hover = useAppStore((s) => s.hover);
  const setHover = useAppStore((s) => s.setHover);
  const clearHover = useAppStore((s) => s.clearHover);
  const hovered = new Set(hover?.keys ?? []);

  return (
    <section className="panel doc-panel" aria-labelledby="doc-heading">
      <h2 id="doc-heading">Evidence in your text</h2>
      <p className="muted legend">
        <mark className="mark strong">label found</mark> <mark className="mark weak">sentence matched by meaning</mark> Hover or focus a highlight to see its results.
      </p>
      <div className={busy ? 'doc busy' : 'doc'} aria-busy={busy} data-testid="document">
        {!model || !model.text ? (
          <p className="muted empty">Your text appears here with the evidence for each result highlighted.</p>
        ) : (
          model.runs.map((r) => {
            const slice = model.text.slice(r.start, r.end);
            if (r.keys.length === 0) return <Fragment key={r.start}>{slice}</Fragment>;
            const active = r.keys.some((k) => hovered.has(k));
            const labels = r.keys.map((k) => model.labels.get(k) ?? k).join('; ');
            return (
              <mark
                key={r.start}
                className={`mark ${r.strong ? 'strong' : 'weak'}${active ? ' active' : ''}`}
                tabIndex={0}
                title={labels}
                data-keys={r.keys.join(' ')}
                onMouseEnter={() => setHover({ keys: r.keys, via: 'mouse' })}
                onMouseLeave={() => clearHover('mouse')}
                onFocus={() => setHover({ keys: r.keys, via: 'focus' })}
                onBlur={() => clearHover('focus')}
              >
                {slice}
              </mark>
            );
          })
        )}
      </div>
    </section>
  );
}
