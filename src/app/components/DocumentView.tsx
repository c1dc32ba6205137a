// The analysed text with evidence highlighted. The text is only ever rendered as text nodes: runs
// are string slices, marked runs are <mark> elements around a slice. Hovering or focusing a mark
// lights up the results it is evidence for, and hovering a result lights up its marks. The marks
// form one tab stop (roving tabindex): arrow keys move between them, so a long text does not add
// dozens of stops to the tab order. Sections that are not about the job are listed under the text
// with the reason they were not analysed and a switch to analyse them anyway.
import { Fragment, useRef, useState, type KeyboardEvent } from 'react';
import type { SkippedSection } from '../../core/sections.ts';
import { selectBusy, selectDisplayed, selectHighlight } from '../selectors.ts';
import { useAppStore } from '../store.ts';

const NEXT_KEYS = new Set(['ArrowRight', 'ArrowDown']);
const PREV_KEYS = new Set(['ArrowLeft', 'ArrowUp']);

export function DocumentView() {
  const model = useAppStore(selectHighlight);
  const busy = useAppStore(selectBusy);
  const hover = useAppStore((s) => s.hover);
  const setHover = useAppStore((s) => s.setHover);
  const clearHover = useAppStore((s) => s.clearHover);
  const [current, setCurrent] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const hovered = new Set(hover?.keys ?? []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = NEXT_KEYS.has(e.key) ? 1 : PREV_KEYS.has(e.key) ? -1 : e.key === 'Home' ? -Infinity : e.key === 'End' ? Infinity : 0;
    if (!step || !(e.target instanceof HTMLElement) || e.target.tagName !== 'MARK') return;
    const marks = [...(container.current?.querySelectorAll<HTMLElement>('mark[data-keys]') ?? [])];
    const at = marks.indexOf(e.target);
    const next = Math.max(0, Math.min(marks.length - 1, at + step));
    e.preventDefault();
    setCurrent(next);
    marks[next]?.focus();
  };

  const markCount = model ? countMarks(model.runs) : 0;
  let markIndex = -1;
  return (
    <section className="panel doc-panel" aria-labelledby="doc-heading">
      <h2 id="doc-heading">Evidence in your text</h2>
      <p className="muted legend">
        <mark className="mark strong">label found</mark> <mark className="mark weak">sentence matched by meaning</mark> Hover a highlight, or Tab to it and use the
        arrow keys, to see its results.
      </p>
      <div ref={container} className={busy ? 'doc busy' : 'doc'} aria-busy={busy} data-testid="document" onKeyDown={onKeyDown}>
        {!model || !model.text ? (
          <p className="muted empty">Your text appears here with the evidence for each result highlighted.</p>
        ) : (
          model.runs.map((r) => {
            const slice = model.text.slice(r.start, r.end);
            if (r.keys.length === 0) return <Fragment key={r.start}>{slice}</Fragment>;
            const index = ++markIndex;
            const active = r.keys.some((k) => hovered.has(k));
            const labels = r.keys.map((k) => model.labels.get(k) ?? k).join('; ');
            // Clamped so the tab stop survives a result with fewer marks than before.
            const isStop = index === Math.min(current, markCount - 1);
            return (
              <mark
                key={r.start}
                className={`mark ${r.strong ? 'strong' : 'weak'}${active ? ' active' : ''}`}
                tabIndex={isStop ? 0 : -1}
                title={labels}
                data-keys={r.keys.join(' ')}
                onMouseEnter={() => setHover({ keys: r.keys, via: 'mouse' })}
                onMouseLeave={() => clearHover('mouse')}
                onFocus={() => {
                  setCurrent(index);
                  setHover({ keys: r.keys, via: 'focus' });
                }}
                onBlur={() => clearHover('focus')}
              >
                {slice}
              </mark>
            );
          })
        )}
      </div>
      <SkippedSections />
    </section>
  );
}

// A stable empty list: a new [] on every store read would re-render without end.
const NO_SECTIONS: readonly SkippedSection[] = [];

/** Sections kept from producing results (not about the job), with the reason and a switch to analyse them. */
function SkippedSections() {
  const sections = useAppStore((s) => selectDisplayed(s)?.result.skippedSections ?? NO_SECTIONS);
  const text = useAppStore((s) => selectDisplayed(s)?.text ?? '');
  const analyseAll = useAppStore((s) => s.settings.analyseAllSections);
  const setSettings = useAppStore((s) => s.setSettings);
  if (sections.length === 0) return null;
  return (
    <div className="skipped-sections" data-testid="skipped-sections">
      <ul>
        {sections.map((sec) => (
          <li key={sec.start}>
            <span className="badge">{sec.analysed ? `analysed anyway: ${sec.label}` : `not analysed: ${sec.label}`}</span>{' '}
            <span className="muted">“{(sec.heading ?? text.slice(sec.start, sec.end)).trim().slice(0, 60)}…”</span>
          </li>
        ))}
      </ul>
      <div className="checkbox">
        <input id="analyse-all-sections" type="checkbox" checked={analyseAll} onChange={(e) => setSettings({ analyseAllSections: e.target.checked })} />
        <label htmlFor="analyse-all-sections">Analyse these sections anyway</label>
      </div>
    </div>
  );
}

function countMarks(runs: readonly { keys: string[] }[]): number {
  let n = 0;
  for (const r of runs) if (r.keys.length > 0) n++;
  return n;
}
