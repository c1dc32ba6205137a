// Parts of a job ad that are not about the job: the company blurb, benefits, equal-opportunity and
// legal text, application instructions. Skills "found" there are false positives (a benefits list
// yields "health insurance", an EEO paragraph "diversity management"), so the pipeline leaves them
// out and reports them with the reason ("not analysed: benefits section"); ExtractOptions.
// analyseAllSections switches that off. English cues only (the small presets are English); other
// languages simply see no sections. Two detectors:
// - headings: a short line ("Benefits", "What we offer:", "About us", "How to apply") starts a
//   section that runs until the next heading of any kind ("Requirements" ends it);
// - lines with unmistakable boilerplate ("is an equal opportunity employer", "to apply, send your
//   CV"), which are skipped on their own, without a heading.

export type SectionReason = 'company' | 'benefits' | 'legal' | 'apply';

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
};

// Headings are matched on the folded line: lower case, punctuation to spaces, spaces collapsed.
const JOB_HEADING =
  /^(?:about (?:the|this) (?:role|job|position|opportunity)|(?:the |your )?(?:role|job|position)(?: description| summary| overview)?|job (?:description|summary|details)|responsibilit(?:y|ies)|key responsibilities|duties|tasks|what (?:you ll|you will) (?:do|be doing)|what you do|your (?:tasks|role|responsibilities|profile|skills|mission)|(?:requirements?|qualifications?|skills|experience|competencies)(?: required| and experience| needed)?|(?:minimum|basic|preferred|required|desired) (?:qualifications|requirements|skills)|what (?:we re|we are) looking for|who you are|(?:about )?you|what you (?:bring|need|ll need|will need|have)|nice to have|bonus points|must have|the ideal candidate)$/;
const SKIP_HEADINGS: [SectionReason, RegExp][] = [
  ['company', /^(?:about (?:us|the company|our company|the team|our team|organization|organisation)|who we are|our (?:company|story|mission|culture|team)|company (?:description|overview|profile|info)|the company|why (?:us|join us|work (?:for|with) us|organization)|life at organization)$/],
  ['benefits', /^(?:(?:our |the |employee |your )?benefits(?: and perks| package)?|perks(?: and benefits)?|what (?:we|you ll|you will|you can) (?:offer|get|expect)|what s in it for you|we offer|our offer|compensation(?: and benefits)?|salary(?: and benefits)?|why you ll love (?:it|working here)|rewards)$/],
  ['legal', /^(?:equal (?:employment )?opportunit(?:y|ies)(?: employer)?|eeo(?: statement)?|diversity(?: and inclusion)?(?: statement)?|disclaimer|legal|privacy(?: notice| policy)?|accommodations?)$/],
  ['apply', /^(?:how to apply|to apply|application(?: process)?|apply(?: now| here| today)?|next steps|interested|contact(?: us| information| details)?)$/],
];

const LINE_CUES: [SectionReason, RegExp][] = [
  ['legal', /\bequal (?:employment )?opportunit(?:y|ies) (?:employer|workplace)\b|\bwithout regard to\b.*\b(?:race|religion|sex|gender|age|disability|national origin)\b|\bregardless of (?:their )?(?:race|religion|sex|gender|age|disability|sexual orientation|national origin)\b|\b(?:race|color|religion|national origin|sexual orientation|gender identity|veteran status|genetic information)\b.*\b(?:race|color|religion|national origin|sexual orientation|gender identity|veteran status|genetic information|disability)\b|\breasonable accommodations?\b|\be verify\b|\baffirmative action\b/],
  // "to apply" alone also reads "you will be required to apply your knowledge": only at a line's start or before "for"/"please".
  ['apply', /^(?:to apply|interested)\b|\b(?:to apply (?:for this|for the|please|online|now)|apply (?:now|online|today|here|via|through)|send (?:your|us your|us a|in your) (?:cv|resume|application|cover letter)|submit (?:your |an )?(?:cv|resume|application)|click (?:on )?(?:the )?apply|applications? (?:should|must|will) be (?:sent|submitted))\b/],
  ['benefits', /\b(?:we offer (?:a |an )?(?:competitive|attractive|generous)|competitive (?:salary|compensation|pay|benefits)|benefits (?:include|package)|(?:health|dental|vision|life) insurance|401 ?k|paid (?:time off|vacation|holidays?|parental leave)|pension (?:scheme|plan)|stock options)\b/],
  ['company', /\b(?:we are (?:a|an|the) (?:leading|global|fast growing|growing|innovative|world leading|award winning|international)|(?:was|were) founded in|our mission is|is (?:a|an|the) (?:leading|global|fast growing|world leading) (?:\w+ ){0,4}(?:company|provider|organization|organisation|firm|group|agency|business)|headquartered in)\b/],
];

function fold(line: string): string {
  return line
    .toLowerCase()
    .replace(/<[a-z_]+>/g, 'organization')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A heading is a short line without sentence punctuation in the middle. */
function headingReason(line: string): SectionReason | 'job' | null {
  const f = fold(line);
  if (!f || f.split(' ').length > 8 || line.trim().length > 70) return null;
  if (/[.!?]\s+\S/.test(line.trim())) return null;
  if (JOB_HEADING.test(f)) return 'job';
  for (const [reason, re] of SKIP_HEADINGS) if (re.test(f)) return reason;
  return null;
}

function lineReason(line: string): SectionReason | null {
  const f = fold(line);
  for (const [reason, re] of LINE_CUES) if (re.test(f)) return reason;
  return null;
}

/** Sections of `text` that are not about the job, in text order, non-overlapping. */
export function detectSections(text: string): SkippedSection[] {
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
  const close = () => {
    if (open && open.end > open.start) out.push(open);
    open = null;
  };
  for (const { start, end } of lines) {
    const line = text.slice(start, end);
    if (!line.trim()) continue;
    const h = headingReason(line);
    if (h === 'job') {
      close();
      continue;
    }
    if (h) {
      close();
      open = { start, end, reason: h, label: SECTION_LABELS[h], heading: line.trim(), analysed: false };
      continue;
    }
    if (open) {
      open.end = end;
      continue;
    }
    const r = lineReason(line);
    if (r) {
      const prev = out[out.length - 1];
      // Consecutive boilerplate lines of one kind form one section.
      if (prev && !prev.heading && prev.reason === r && !text.slice(prev.end, start).trim()) prev.end = end;
      else out.push({ start, end, reason: r, label: SECTION_LABELS[r], analysed: false });
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
