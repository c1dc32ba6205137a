// Text segmentation: turns a pasted job ad or CV (any language, any junk) into short pieces —
// list items, sentences, clauses and enumeration items — each with exact UTF-16 offsets into the
// original text, so that matches found in a piece can be highlighted where they came from.
//
// Order of work: lines (so line-start bullet markers are seen before the sentence segmenter can
// mistake "1." for a sentence end) -> sentences (Intl.Segmenter) -> clauses (semicolons, in-line
// bullets, and optionally enumeration commas and conjunctions) -> trimming -> length cap.
// Every step is a forward scan over the text, so time stays linear in the input length.

export interface Segment {
  index: number;
  text: string;
  start: number;
  end: number;
  /**
   * true when this piece was cut to maxSegmentChars: it comes from a longer passage that was split
   * into consecutive pieces (nothing is dropped; the rest follows in the next segments).
   */
  truncated: boolean;
  /**
   * Index of the sentence the piece came from; pieces split out of one sentence share it, so a
   * caller can also look at the whole sentence (text.slice(first.start, last.end)).
   */
  group?: number;
}

export interface SegmentOptions {
  locale?: string;
  maxSegmentChars?: number;
  maxSegments?: number;
  maxInputChars?: number;
  /** default true */
  splitEnumerations?: boolean;
}

export interface SegmentationResult {
  segments: Segment[];
  /** human-readable notices, e.g. "Input is 1,048,576 characters; only the first 200,000 were analysed." */
  notices: string[];
  inputTruncated: boolean;
  segmentsCapped: boolean;
  truncatedSegments: number;
}

export const DEFAULT_SEGMENT_OPTIONS: Required<Omit<SegmentOptions, 'locale'>> = Object.freeze({
  maxSegmentChars: 512,
  maxSegments: 2000,
  maxInputChars: 200_000,
  splitEnumerations: true,
});

// CRLF must come first so it counts as one break, not two.
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

// Symbols that only ever mean "list item"; they need no space after them.
const SYMBOL_BULLETS = '•·▪▫‣◦●○■□◆◇►▶▷➢➣➤→✓✔✗☐☑⁃∙';
// Markers that are also ordinary text ("-", "a.", "1)") count only when followed by whitespace.
const BULLET = new RegExp(
  `[${SYMBOL_BULLETS}]+|(?:[-–—*+]+|\\(?(?:\\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})\\)|(?:\\d{1,3}\\.)+|(?:[A-Za-z]|[ivxIVX]{1,4})\\.)(?=\\s|$)`,
  'uy',
);

// Separators inside a sentence. Hard ones always split; in-line bullets only when spaced, because
// "·" also sits inside Catalan words ("col·legi").
const HARD_SEPARATORS = `[;；]|(?<=\\s)[${SYMBOL_BULLETS}](?=\\s)`;
// Commas between digits are thousands separators ("1,000"), not list commas.
const ENUM_COMMAS = `[，、،]|(?<!\\d),|,(?!\\d)`;
// Whole words only: surrounded by whitespace, so "standard", "android", "e-commerce" are never cut.
// Longer alternatives first so "and/or" and "as well as" win over "and" / "as".
const CONJUNCTIONS = `(?<=\\s)(?:and\\/or|as\\s+well\\s+as|and|or|&|und|oder|sowie|et|ou|y|e|o|u|ed|od|og|och|eller|oraz|lub|или|и)(?=\\s)`;
const CLAUSE_SPLIT = new RegExp(HARD_SEPARATORS, 'gu');
const ENUM_SPLIT = new RegExp(`${HARD_SEPARATORS}|${ENUM_COMMAS}|${CONJUNCTIONS}`, 'giu');

// Abbreviations after which the sentence segmenter wrongly breaks ("e.g. Java" looks like an end).
// "etc." is left out on purpose: it ends real sentences far more often than it sits inside one.
const ABBREVIATION_END =
  /(?:^|[\s(])(?:e\.\s?g|i\.\s?e|z\.\s?B|d\.\s?h|u\.\s?a|bzw|ca|incl|approx|vs|Dr|Mr|Mrs|Ms|Prof|Nr|Jr|Sr|resp|cf|viz)\.\s*$/iu;

const LEADING_TRIM = /[\s\u200B\u2060\u00AD,;:、，；：،]/u;
const TRAILING_TRIM = /[\s\u200B\u2060\u00AD.,;:!?…。．！？，、；：،؟]/u;
const WHITESPACE = /[\s\u200B\u2060]/u;
const HAS_CONTENT = /[\p{L}\p{N}]/u;

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** True when cutting text at `i` would separate the two halves of a surrogate pair. */
function splitsPair(text: string, i: number): boolean {
  return i > 0 && i < text.length && isHighSurrogate(text.charCodeAt(i - 1)) && isLowSurrogate(text.charCodeAt(i));
}

function formatCount(n: number): string {
  // Own formatting rather than toLocaleString: notices must read the same under every ICU build.
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Positive integer option, Infinity allowed (no cap); anything else falls back to the default. */
function limitOption(value: number | undefined, fallback: number, min: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  if (value === Infinity) return Infinity;
  if (!Number.isFinite(value)) return fallback;
  return Math.max(min, Math.floor(value));
}

type Granularity = 'sentence' | 'word' | 'grapheme';
const segmenterCache = new Map<string, Intl.Segmenter | null>();

/** Intl.Segmenter for the locale, or null where the runtime lacks it; invalid locales throw. */
function getSegmenter(locale: string | undefined, granularity: Granularity): Intl.Segmenter | null {
  const key = `${granularity}\u0000${locale ?? ''}`;
  const cached = segmenterCache.get(key);
  if (cached !== undefined) return cached;
  const segmenter =
    typeof Intl === 'object' && typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(locale, { granularity }) : null;
  segmenterCache.set(key, segmenter);
  return segmenter;
}

/** Collects pieces into segments and stops the whole scan once the segment cap is reached. */
class Collector {
  readonly segments: Segment[] = [];
  capped = false;
  truncated = 0;
  private groups = 0;
  private currentGroup = -1;

  constructor(
    private readonly text: string,
    private readonly maxSegments: number,
  ) {}

  startGroup(): void {
    this.currentGroup = -1;
  }

  add(start: number, end: number, truncated: boolean): void {
    if (this.capped) return;
    const pieceText = this.text.slice(start, end);
    if (!HAS_CONTENT.test(pieceText)) return;
    if (this.segments.length >= this.maxSegments) {
      this.capped = true;
      return;
    }
    if (this.currentGroup < 0) this.currentGroup = this.groups++;
    if (truncated) this.truncated++;
    this.segments.push({ index: this.segments.length, text: pieceText, start, end, truncated, group: this.currentGroup });
  }
}

/** Splits text into segments with exact offsets; any string is valid input and nothing throws for content. */
export function segmentText(text: string, options: SegmentOptions = {}): SegmentationResult {
  const source = typeof text === 'string' ? text : '';
  const maxSegmentChars = limitOption(options.maxSegmentChars, DEFAULT_SEGMENT_OPTIONS.maxSegmentChars, 1);
  const maxSegments = limitOption(options.maxSegments, DEFAULT_SEGMENT_OPTIONS.maxSegments, 0);
  const maxInputChars = limitOption(options.maxInputChars, DEFAULT_SEGMENT_OPTIONS.maxInputChars, 0);
  const splitEnumerations = options.splitEnumerations ?? DEFAULT_SEGMENT_OPTIONS.splitEnumerations;
  const notices: string[] = [];

  let locale = options.locale;
  let sentenceSegmenter: Intl.Segmenter | null;
  try {
    sentenceSegmenter = getSegmenter(locale, 'sentence');
  } catch {
    notices.push(`Locale "${String(locale)}" is not recognised; the default locale was used for sentence splitting.`);
    locale = undefined;
    sentenceSegmenter = getSegmenter(undefined, 'sentence');
  }

  const inputTruncated = source.length > maxInputChars;
  const limit = inputTruncated ? inputCut(source, maxInputChars) : source.length;
  if (inputTruncated) {
    notices.push(
      `Input is ${formatCount(source.length)} characters; only the first ${formatCount(limit)} were analysed.`,
    );
  }

  const collector = new Collector(source, maxSegments);
  const clauseSplit = splitEnumerations ? ENUM_SPLIT : CLAUSE_SPLIT;
  const chunker = new Chunker(source, maxSegmentChars, locale);
  const sentenceWindow = Math.min(SENTENCE_WINDOW_MAX, Math.max(SENTENCE_WINDOW_MIN, 2 * maxSegmentChars));

  // `forced`: the piece touches a cut made only because its sentence was too long.
  const emitPiece = (start: number, end: number, forced: boolean): void => {
    let s = start;
    let e = end;
    for (;;) {
      while (s < e && LEADING_TRIM.test(source[s])) s++;
      BULLET.lastIndex = s;
      const bullet = BULLET.exec(source);
      if (bullet === null || bullet[0].length === 0 || s + bullet[0].length > e) break;
      s += bullet[0].length;
    }
    while (e > s && TRAILING_TRIM.test(source[e - 1])) e--;
    if (s >= e) return;
    if (e - s <= maxSegmentChars) {
      collector.add(s, e, forced);
      return;
    }
    chunker.chunk(s, e, collector);
  };

  const emitSentence = ({ start, end, cutBefore, cutAfter }: Span): void => {
    collector.startGroup();
    const sentence = source.slice(start, end);
    clauseSplit.lastIndex = 0;
    let pieceStart = 0;
    for (let m = clauseSplit.exec(sentence); m !== null && !collector.capped; m = clauseSplit.exec(sentence)) {
      // Upper-case single letters are initials or grades ("Vitamin E", "Plan B"), not "e"/"o"/"y".
      if (m[0].length === 1 && /\p{Lu}/u.test(m[0])) continue;
      emitPiece(start + pieceStart, start + m.index, cutBefore && pieceStart === 0);
      pieceStart = m.index + m[0].length;
    }
    if (!collector.capped) emitPiece(start + pieceStart, end, cutAfter || (cutBefore && pieceStart === 0));
  };

  const emitLine = (lineStart: number, lineEnd: number): void => {
    let s = lineStart;
    for (let guard = 0; guard < 4; guard++) {
      while (s < lineEnd && WHITESPACE.test(source[s])) s++;
      BULLET.lastIndex = s;
      const bullet = BULLET.exec(source);
      if (bullet === null || bullet[0].length === 0 || s + bullet[0].length > lineEnd) break;
      s += bullet[0].length;
    }
    if (s >= lineEnd) return;
    for (const span of sentences(source, s, lineEnd, sentenceSegmenter, sentenceWindow, chunker)) {
      if (collector.capped) return;
      emitSentence(span);
    }
  };

  LINE_BREAK.lastIndex = 0;
  let lineStart = 0;
  while (!collector.capped && lineStart <= limit) {
    const m = LINE_BREAK.exec(source);
    const lineEnd = m === null || m.index >= limit ? limit : m.index;
    emitLine(lineStart, lineEnd);
    if (m === null || m.index >= limit) break;
    lineStart = m.index + m[0].length;
  }

  if (collector.capped) {
    notices.push(
      `The text produced more than ${formatCount(maxSegments)} segments; only the first ${formatCount(maxSegments)} were analysed.`,
    );
  }
  if (collector.truncated > 0) {
    notices.push(
      `${formatCount(collector.truncated)} segment${collector.truncated === 1 ? '' : 's'} came from passages longer than ${formatCount(maxSegmentChars)} characters, which were cut into shorter pieces.`,
    );
  }

  return {
    segments: collector.segments,
    notices,
    inputTruncated,
    segmentsCapped: collector.capped,
    truncatedSegments: collector.truncated,
  };
}

/** Where to stop reading an over-long input: at a nearby space if there is one, never mid-pair. */
function inputCut(text: string, max: number): number {
  for (let i = max; i > max - 256 && i > 0; i--) {
    if (WHITESPACE.test(text[i])) return i;
  }
  return splitsPair(text, max) ? max - 1 : max;
}

// V8's Intl.Segmenter spends time proportional to the whole string on every step, which makes
// one long line quadratic (200,000 chars: ~2 s). Feeding it bounded windows keeps it linear.
const SENTENCE_WINDOW_MIN = 1024;
const SENTENCE_WINDOW_MAX = 16_384;

/** A sentence; cutBefore/cutAfter mark edges made only because the sentence outgrew the window. */
interface Span {
  start: number;
  end: number;
  cutBefore: boolean;
  cutAfter: boolean;
}

/** Sentence spans within [start, end), with false breaks after abbreviations merged back. */
function* sentences(
  text: string,
  start: number,
  end: number,
  segmenter: Intl.Segmenter | null,
  windowSize: number,
  chunker: Chunker,
): Generator<Span> {
  let pending: Span | null = null;
  for (const span of rawSentences(text, start, end, segmenter, windowSize, chunker)) {
    const merged: Span = pending === null ? span : { ...pending, end: span.end, cutAfter: span.cutAfter };
    // Only the tail is tested, so long sentences do not make this quadratic.
    if (span.end < end && !span.cutAfter && ABBREVIATION_END.test(text.slice(Math.max(span.start, span.end - 16), span.end))) {
      pending = merged;
      continue;
    }
    pending = null;
    yield merged;
  }
  if (pending !== null) yield { ...pending, end };
}

function* rawSentences(
  text: string,
  start: number,
  end: number,
  segmenter: Intl.Segmenter | null,
  windowSize: number,
  chunker: Chunker,
): Generator<Span> {
  let from = start;
  let cutBefore = false;
  while (from < end) {
    const windowEnd = end - from <= windowSize ? end : chunker.findCut(from, end, windowSize);
    const part = text.slice(from, windowEnd);
    const spans: Span[] = [];
    if (segmenter === null) {
      // Runtimes without Intl.Segmenter: end-of-sentence punctuation followed by whitespace.
      const re = /[.!?。！？]+\s+/gu;
      let last = 0;
      for (let m = re.exec(part); m !== null; m = re.exec(part)) {
        spans.push({ start: from + last, end: from + m.index + m[0].length, cutBefore: false, cutAfter: false });
        last = m.index + m[0].length;
      }
      if (last < part.length) spans.push({ start: from + last, end: windowEnd, cutBefore: false, cutAfter: false });
    } else {
      for (const { index, segment } of segmenter.segment(part)) {
        spans.push({ start: from + index, end: from + index + segment.length, cutBefore: false, cutAfter: false });
      }
    }
    if (spans.length === 0) return;
    spans[0].cutBefore = cutBefore;
    // The window's last sentence may run on past the window: segment it again with what follows,
    // unless it is the only one (a sentence longer than the window is cut where the window ends).
    if (windowEnd < end && spans.length > 1) {
      for (let i = 0; i < spans.length - 1; i++) yield spans[i];
      from = spans[spans.length - 1].start;
      cutBefore = false;
    } else {
      const last = spans[spans.length - 1];
      last.cutAfter = windowEnd < end;
      for (const span of spans) yield span;
      from = windowEnd;
      cutBefore = last.cutAfter;
    }
  }
}

/** Cuts over-long pieces into chunks of at most maxChars, at the best boundary it can find. */
class Chunker {
  constructor(
    private readonly text: string,
    private readonly maxChars: number,
    private readonly locale: string | undefined,
  ) {}

  chunk(start: number, end: number, collector: Collector): void {
    // Every chunk of an over-long piece is reported as truncated: each one ends or starts at a cut.
    const text = this.text;
    let pos = start;
    while (pos < end && !collector.capped) {
      if (end - pos <= this.maxChars) {
        collector.add(pos, end, true);
        return;
      }
      const cut = this.findCut(pos, end, this.maxChars);
      let chunkEnd = cut;
      while (chunkEnd > pos && TRAILING_TRIM.test(text[chunkEnd - 1])) chunkEnd--;
      if (chunkEnd > pos) collector.add(pos, chunkEnd, true);
      pos = cut;
      while (pos < end && LEADING_TRIM.test(text[pos])) pos++;
    }
  }

  /** Best cut in (pos + size/2, pos + size]; `end` bounds the look-ahead. */
  findCut(pos: number, end: number, size: number): number {
    const text = this.text;
    const limit = pos + size;
    // Cuts are looked for only in the second half of the window, so every chunk advances by at
    // least half its size and the total work stays linear.
    const earliest = pos + Math.max(1, Math.floor(size / 2));
    // 1. Whitespace: the natural word boundary in most scripts.
    for (let i = limit; i >= earliest; i--) {
      if (WHITESPACE.test(text[i])) return i;
    }
    // 2. Word boundaries from the segmenter: covers scripts written without spaces (CJK, Thai).
    //    Only the end of the window is segmented (the segmenter is slow on long strings, see
    //    above); a little look-ahead lets it see whether a word runs on past the limit.
    const words = this.segmenter('word');
    const best = words === null ? -1 : this.lastBoundary(words, Math.max(earliest, limit - 256), limit, end);
    if (best > 0) return best;
    // 3. Grapheme boundary near the limit, so emoji sequences and combining marks stay whole.
    const graphemes = this.segmenter('grapheme');
    const grapheme = graphemes === null ? -1 : this.lastBoundary(graphemes, Math.max(earliest, limit - 32), limit, end);
    if (grapheme > 0) return grapheme;
    // 4. Hard cut, but never between the halves of a surrogate pair.
    if (!splitsPair(text, limit)) return limit;
    return limit - 1 > pos ? limit - 1 : limit + 1;
  }

  /** Last boundary in (from, limit] that the segmenter reports, or -1; `from` itself is not trusted. */
  private lastBoundary(segmenter: Intl.Segmenter, from: number, limit: number, end: number): number {
    let best = -1;
    for (const { index } of segmenter.segment(this.text.slice(from, Math.min(end, limit + 32)))) {
      if (from + index > limit) break;
      if (index > 0) best = from + index;
    }
    return best;
  }

  private segmenter(granularity: Granularity): Intl.Segmenter | null {
    try {
      return getSegmenter(this.locale, granularity);
    } catch {
      return getSegmenter(undefined, granularity);
    }
  }
}
