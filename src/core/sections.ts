// Parts of a job ad that are not about the job: the company blurb, benefits, equal-opportunity and
// legal text, application instructions. Skills "found" there are false positives (a benefits list
// yields "health insurance", an EEO paragraph "diversity management"), so the pipeline leaves them
// out and reports them with the reason ("not analysed: benefits section"); ExtractOptions.
// analyseAllSections switches that off. The cues (sectionCues.ts) cover the languages of European
// job ads: English, German, French, Spanish, Italian, Dutch, Polish, and a few Danish, Swedish and
// Portuguese ones. Lines are matched folded: lower case, diacritics stripped, punctuation to spaces.
// Two detectors:
// - headings: a short line ("Benefits", "Was wir bieten:", "Qui sommes-nous ?", "O nas") starts a
//   section that runs until the next heading of the job or of another section ("Requirements",
//   "Ihr Profil", "Vos missions", "Wymagania" end it); an unknown heading neither opens nor ends one;
// - job details ("Location", "Type de poste : CDI", "Tipo de empleo" with its value below): a details
//   heading holds only the short value lines after it, and a "key: value" line is skipped alone;
// - boilerplate phrases ("is an equal opportunity employer", "Wyrażam zgodę na przetwarzanie moich
//   danych osobowych", "wir sind ein führendes Unternehmen"): a company or legal phrase skips its
//   whole line (paragraph); a benefits or apply phrase skips its line from the sentence it is in
//   ("... Vous savez repasser ? Postulez chez nous !" keeps the question), all without a heading.
// With { headings: true } the job headings themselves ("Job description:", "Stellenbeschreibung",
// "Requirements") are returned too, as one-line sections with reason 'heading', so that a label
// line never becomes a skill ("Stellenbeschreibung" is a German ESCO label).

import { DETAIL_KEYS, JOB_HEADING, JOB_LABEL_WORDS, LINE_CUES, SKIP_HEADINGS } from './sectionCues.ts';

export type { SectionReason } from './sectionCues.ts';
import type { SectionReason } from './sectionCues.ts';

export interface SkippedSection {
  start: number;
  end: number;
  reason: SectionReason;
  /** For the UI: "company description", "benefits section", ... */
  label: string;
  /** The heading line that opened the section; absent for a line recognised by its content. */
  heading?: string;
  /** false when the section was skipped; true when ExtractOptions.analyseAllSections kept it in. */
  analysed: boolean;
}

export const SECTION_LABELS: Record<SectionReason, string> = {
  company: 'company description',
  benefits: 'benefits section',
  legal: 'equal opportunity / legal text',
  apply: 'application instructions',
  details: 'job details (place, contract, hours)',
  heading: 'section heading',
};

export interface DetectSectionsOptions {
  /** Also return the job's own heading lines (reason 'heading'); default false. */
  headings?: boolean;
}

// Letters that NFD does not decompose, spelled the way the cues are written.
const SPELLED: Record<string, string> = { ß: 'ss', ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ı: 'i' };

/** Lower case, masks ("<ORGANIZATION>") to "organization", diacritics stripped, punctuation runs to one space. */
export function fold(line: string): string {
  return line
    .toLowerCase()
    .replace(/<[a-z_]+>/g, 'organization')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßłøæœđı]/g, (c) => SPELLED[c])
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const BULLET = /^\s*(?:[-*•·–—▪►✓✔]|\d{1,2}[.)])\s/u;

/** A heading is a short line without sentence punctuation in the middle; a list item is not one. */
function headingReason(line: string): SectionReason | 'job' | 'label' | null {
  const t = line.trim();
  if (t.length > 80 || BULLET.test(line) || /[.!?]\s+\S/.test(t)) return null;
  const f = fold(t);
  if (!f || f.split(' ').length > 10) return null;
  if (JOB_HEADING.test(f)) return 'job';
  for (const [reason, re] of SKIP_HEADINGS) if (re.test(f)) return reason;
  if (t.endsWith(':') && JOB_LABEL_WORDS.test(f)) return 'job';
  if (!t.endsWith(':') && DETAIL_KEYS.test(f)) return 'details';
  // Any other short "Label:" line starts a block of its own ("Job type:", "Industry:"): it ends a skipped section.
  if (/\S\s*:$/.test(t) && f.split(' ').length <= 4) return 'label';
  return null;
}

// Sentence ends: ". ! ? …" followed by space and a capital, a digit, an opening quote or ¿ ¡.
const SENTENCE_END = /[.!?…]+["'”»)]*\s+(?=[\p{Lu}\p{N}¿¡"'“„«(])/gu;

/** Sentence start offsets within a line (the first is 0). */
function sentenceStarts(line: string): number[] {
  const starts = [0];
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(line); m !== null; m = SENTENCE_END.exec(line)) starts.push(m.index + m[0].length);
  return starts;
}

const WHOLE_LINE_CUES = LINE_CUES.filter(([r]) => r === 'legal' || r === 'company');
const SENTENCE_CUES = LINE_CUES.filter(([r]) => r === 'apply' || r === 'benefits');

/** The value lines a details heading holds at most ("Disponibilidad fin de semana", "Todos los fines de semana", "Turno rotativo"). */
const MAX_DETAIL_VALUES = 4;

/** A value of the job details: a short line that is not a sentence ("Contrato temporal", "35629 Tuineje, Las Palmas"). */
function isDetailValue(line: string): boolean {
  const t = line.trim();
  return t.length <= 60 && !BULLET.test(line) && !/[.!?]\s+\S/.test(t) && fold(t).split(' ').length <= 8;
}

/** "Key: value" of the job details ("Lieu : Les Ulis 91940", "Type de poste : CDI - Temps plein"). */
function isDetailLine(line: string): boolean {
  const m = /^\s*([^:]{2,40}?)\s*:\s*(\S.*)$/.exec(line);
  return m !== null && DETAIL_KEYS.test(fold(m[1])) && isDetailValue(m[2]);
}

/** The boilerplate part of a line: its reason and where it starts in the line (it runs to the line's end). */
function lineCue(line: string): { reason: SectionReason; from: number } | null {
  const f = fold(line);
  if (!f) return null;
  if (isDetailLine(line)) return { reason: 'details', from: 0 };
  for (const [reason, re] of WHOLE_LINE_CUES) if (re.test(f)) return { reason, from: 0 };
  const starts = sentenceStarts(line);
  for (let i = 0; i < starts.length; i++) {
    const sentence = fold(line.slice(starts[i], starts[i + 1] ?? line.length));
    if (sentence) for (const [reason, re] of SENTENCE_CUES) if (re.test(sentence)) return { reason, from: starts[i] };
  }
  return null;
}

/** Sections of `text` that are not about the job, in text order, non-overlapping. */
export function detectSections(text: string, options: DetectSectionsOptions = {}): SkippedSection[] {
  const out: SkippedSection[] = [];
  const lines: { start: number; end: number }[] = [];
  const re = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
  let from = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ start: from, end: m.index });
    from = m.index + m[0].length;
  }
  lines.push({ start: from, end: text.length });

  let open: SkippedSection | null = null;
  let detailValues = 0;
  const close = () => {
    if (open && open.end > open.start) out.push(open);
    open = null;
  };
  for (const { start, end } of lines) {
    const line = text.slice(start, end);
    if (!line.trim()) continue;
    const h = headingReason(line);
    if (h === 'label') {
      close();
      continue;
    }
    if (h === 'job') {
      close();
      if (options.headings) {
        const lead = line.length - line.trimStart().length;
        const s = start + lead;
        const e = start + line.trimEnd().length;
        out.push({ start: s, end: e, reason: 'heading', label: SECTION_LABELS.heading, heading: line.trim(), analysed: false });
      }
      continue;
    }
    // A details key inside another skipped section ("Location" in a benefits list) is part of it.
    if (h === 'details' && open && open.reason !== 'details') {
      open.end = end;
      continue;
    }
    if (h) {
      close();
      detailValues = 0;
      open = { start, end, reason: h, label: SECTION_LABELS[h], heading: line.trim(), analysed: false };
      continue;
    }
    // A details heading holds its values, a few short lines; a sentence, or a longer run of short
    // lines (a list without bullets), is the ad again.
    if (open && open.reason === 'details' && (!isDetailValue(line) || ++detailValues > MAX_DETAIL_VALUES)) close();
    if (open) {
      open.end = end;
      continue;
    }
    const cue = lineCue(line);
    if (cue) {
      const s = start + cue.from;
      const prev = out[out.length - 1];
      // Consecutive boilerplate lines of one kind form one section.
      if (prev && !prev.heading && prev.reason === cue.reason && !text.slice(prev.end, s).trim()) prev.end = end;
      else out.push({ start: s, end, reason: cue.reason, label: SECTION_LABELS[cue.reason], analysed: false });
    }
  }
  close();
  return out;
}

/** Index of the section containing `offset`, or -1 (sections sorted, non-overlapping). */
export function sectionAt(sections: readonly SkippedSection[], offset: number): number {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sections[mid].end <= offset) lo = mid + 1;
    else if (sections[mid].start > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}
