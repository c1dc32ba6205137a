// The analysed text with evidence highlighted. The text is only ever rendered as text nodes: runs
// are string slices, marked runs are <mark> elements around a slice. Hovering or focusing a mark
// lights up the results it is evidence for, and hovering a result lights up its marks. The marks
// form one tab stop (roving tabindex): arrow keys move between them, so a long text does not add
// dozens of stops to the tab order. Sections that are not about the job are listed under the text
// with the reason they were not analysed and a switch to analyse them anyway.
// A slider move re-cuts the runs. The text is drawn as one block per line (highlight.ts chunkRuns),
// memoised on the plain values of its runs, and marks are memoised too, all keyed by start offset:
// only lines whose marks changed are re-rendered and touched in the DOM. Every line is painted, also
// outside the viewport (no content-visibility: see styles.css .doc-chunk). The tab stop is
// remembered by offset, not by position among the marks (which shifts).
import { Fragment, memo, useRef, useState, type KeyboardEvent } from 'react';
import type { SkippedSection } from '../../core/sections.ts';
import type { RunChunk, TextRun } from '../highlight.ts';
import { selectBusy, selectDisplayed, selectHighlight, type HighlightModel } from '../selectors.ts';
import { useAppStore, type Hover } from '../store.ts';

const NEXT_KEYS = new Set(['ArrowRight', 'ArrowDown']);
const PREV_KEYS = new Set(['ArrowLeft', 'ArrowUp']);

export function DocumentView() {
  const model = useAppStore(selectHighlight);
  const busy = useAppStore(selectBusy);
  const hover = useAppStore((s) => s.hover);
  // Start offset of the mark that holds the tab stop (null: the first mark).
  const [current, setCurrent] = useState<number | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const hovered = hover ? new Set(hover.keys) : null;

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = NEXT_KEYS.has(e.key) ? 1 : PREV_KEYS.has(e.key) ? -1 : e.key === 'Home' ? -Infinity : e.key === 'End' ? Infinity : 0;
    if (!step || !(e.target instanceof HTMLElement) || e.target.tagName !== 'MARK') return;
    const marks = [...(container.current?.querySelectorAll<HTMLElement>('mark[data-keys]') ?? [])];
    const at = marks.indexOf(e.target);
    const next = Math.max(0, Math.min(marks.length - 1, at + step));
    e.preventDefault();
    // Its focus handler moves the tab stop to it.
    marks[next]?.focus();
  };

  const stop = model ? tabStopStart(model.runs, current) : -1;
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
          model.chunks.map((chunk) => (
            <Chunk key={chunk.start} text={model.text} runs={chunkView(chunk, model, hovered, stop)} onFocusAt={setCurrent} />
          ))
        )}
      </div>
      <SkippedSections />
    </section>
  );
}

/** A run as the view draws it: plain values only, so chunks and marks can be compared cheaply. */
interface RunView {
  start: number;
  end: number;
  /** Space-separated concept keys; '' for plain text. */
  keys: string;
  strong: boolean;
  active: boolean;
  stop: boolean;
  title: string;
}

function chunkView(chunk: RunChunk, model: HighlightModel, hovered: ReadonlySet<string> | null, stop: number): RunView[] {
  return chunk.runs.map((r) =>
    r.keys.length === 0
      ? { start: r.start, end: r.end, keys: '', strong: false, active: false, stop: false, title: '' }
      : {
          start: r.start,
          end: r.end,
          keys: r.keys.join(' '),
          strong: r.strong,
          active: hovered !== null && r.keys.some((k) => hovered.has(k)),
          stop: r.start === stop,
          title: r.keys.map((k) => model.labels.get(k) ?? k).join('; '),
        },
  );
}

const sameRunView = (a: RunView, b: RunView) =>
  a.start === b.start && a.end === b.end && a.keys === b.keys && a.strong === b.strong && a.active === b.active && a.stop === b.stop && a.title === b.title;

interface ChunkProps {
  text: string;
  runs: RunView[];
  onFocusAt: (start: number) => void;
}

/** One line block of the text; skipped entirely by React when none of its runs changed. */
const Chunk = memo(
  function Chunk({ text, runs, onFocusAt }: ChunkProps) {
    return (
      <span className="doc-chunk">
        {runs.map((r) => {
          const slice = text.slice(r.start, r.end);
          if (!r.keys) return <Fragment key={r.start}>{slice}</Fragment>;
          return <Mark key={r.start} start={r.start} text={slice} keys={r.keys} strong={r.strong} active={r.active} stop={r.stop} title={r.title} onFocusAt={onFocusAt} />;
        })}
      </span>
    );
  },
  (a, b) => a.text === b.text && a.onFocusAt === b.onFocusAt && a.runs.length === b.runs.length && a.runs.every((r, i) => sameRunView(r, b.runs[i])),
);

/**
 * Start of the mark holding the tab stop: the remembered one if it is still marked, else the
 * nearest mark before it (so the stop survives a result with fewer marks than before), else the first.
 */
function tabStopStart(runs: readonly TextRun[], current: number | null): number {
  let first = -1;
  let before = -1;
  for (const r of runs) {
    if (r.keys.length === 0) continue;
    if (first < 0) first = r.start;
    if (current === null) return first;
    if (r.start === current) return r.start;
    if (r.start < current) before = r.start;
    else break;
  }
  return before >= 0 ? before : first;
}

interface MarkProps {
  start: number;
  text: string;
  /** Space-separated concept keys. */
  keys: string;
  strong: boolean;
  active: boolean;
  stop: boolean;
  title: string;
  onFocusAt: (start: number) => void;
}

/** One highlighted run; re-rendered only when one of its plain-value props changes. */
const Mark = memo(function Mark({ start, text, keys, strong, active, stop, title, onFocusAt }: MarkProps) {
  // The store's actions are read when an event fires, not subscribed to: hundreds of marks each
  // subscribed would all be asked on every store change (every slider step).
  const { setHover, clearHover } = useAppStore.getState();
  const hoverOf = (via: Hover['via']): Hover => ({ keys: keys.split(' '), via });
  return (
    <mark
      className={`mark ${strong ? 'strong' : 'weak'}${active ? ' active' : ''}`}
      tabIndex={stop ? 0 : -1}
      title={title}
      data-keys={keys}
      onMouseEnter={() => setHover(hoverOf('mouse'))}
      onMouseLeave={() => clearHover('mouse')}
      onFocus={() => {
        onFocusAt(start);
        setHover(hoverOf('focus'));
      }}
      onBlur={() => clearHover('focus')}
    >
      {text}
    </mark>
  );
});

// A stable empty list: a new [] on every store read would re-render without end.
const NO_SECTIONS: readonly SkippedSection[] = [];

/** Sections kept from producing results (not about the job), with the reason and a switch to analyse them. */
function SkippedSections() {
  const all = useAppStore((s) => selectDisplayed(s)?.result.skippedSections ?? NO_SECTIONS);
  // Heading lines are skipped too, but listing every "Your profile:" would only be noise.
  const sections = all.filter((sec) => sec.reason !== 'heading');
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
