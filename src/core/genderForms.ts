// Gendered occupation labels and job-ad gender markers.
// ESCO writes most German, French and Spanish occupation labels as "masculine/feminine" pairs
// ("Softwareentwickler/Softwareentwicklerin", "directeur technique/directrice technique"); job ads
// write the short forms ("Entwickler/in", "Entwickler:in", "Entwickler*in", "EntwicklerIn",
// "infirmier/ère", "étudiant.e") or a marker ("(m/w/d)", "(H/F)", "(h/f/x)", "(m/v/x)"). The label
// side expands a pair into both forms plus the usual short forms, so the exact-span label matcher
// (lexical.ts) finds "Entwickler:in" as one mention; the query side (title search) drops the markers.
import { foldWord } from './lexical.ts';

/** Separators job ads put between a masculine form and the feminine ending. */
const SHORT_FORM_JOINS: readonly ((masc: string, ending: string) => string)[] = [
  (m, e) => `${m}/${e}`,
  (m, e) => `${m}/-${e}`,
  (m, e) => `${m}:${e}`,
  (m, e) => `${m}*${e}`,
  (m, e) => `${m}_${e}`,
  (m, e) => `${m}·${e}`,
  (m, e) => `${m}.${e}`,
  (m, e) => `${m}(${e})`,
];

const fold = (s: string): string => foldWord(s);

/** Splits "A/B" at its one top-level slash (none inside parentheses): the halves and the slash's offset. */
function splitPair(label: string): { a: string; b: string; at: number } | undefined {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < label.length; i++) {
    const c = label[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '/' && depth === 0) {
      if (at !== -1) return undefined;
      at = i;
    }
  }
  if (at <= 0 || at >= label.length - 1) return undefined;
  const a = label.slice(0, at).trim();
  const b = label.slice(at + 1).trim();
  return a.length >= 2 && b.length >= 2 ? { a, b, at } : undefined;
}

const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;

/** Both words share a stem of at least 3 letters after case and diacritic folding ("Koch/Köchin"). */
function sharesStem(a: string, b: string): boolean {
  const x = fold(a);
  const y = fold(b);
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  return p >= 3 && p >= Math.min(x.length, y.length) / 4;
}

/**
 * The two forms of a gendered label and the word that differs between them. Two shapes exist:
 * - the whole label twice, "Koch/Köchin", "directeur technique/directrice technique" (halves of
 *   equal length in words, sharing a stem);
 * - one word gendered inside a longer label, "Kunden/Kundinnen im Fitnessbereich motivieren",
 *   "mit Patienten/Patientinnen kommunizieren": the slash joins two forms of ONE word, and the rest
 *   belongs to both. Read as halves, "Kunden" alone would become a label and every ad mentioning
 *   customers would match all 9 such skills.
 */
function genderedForms(label: string): { forms: [string, string]; prefix: string; words: [string, string]; suffix: string } | undefined {
  const pair = splitPair(label);
  if (!pair) return undefined;
  const { a, b, at } = pair;
  if (wordCount(a) === wordCount(b) && sharesStem(a, b)) return { forms: [a, b], prefix: '', words: [a, b], suffix: '' };
  const before = /(\S+)$/.exec(label.slice(0, at));
  const after = /^(\S+)/.exec(label.slice(at + 1));
  if (!before || !after) return undefined;
  const [m, f] = [before[1], after[1]];
  if (!sharesStem(m, f)) return undefined;
  const prefix = label.slice(0, at - m.length);
  const suffix = label.slice(at + 1 + f.length);
  return { forms: [`${prefix}${m}${suffix}`, `${prefix}${f}${suffix}`], prefix, words: [m, f], suffix };
}

/**
 * A gendered label's masculine and feminine forms ("Koch/Köchin" -> Koch, Köchin; "Kunden/Kundinnen
 * beraten" -> "Kunden beraten", "Kundinnen beraten"); "TCP/IP" or "input/output" are no pair.
 */
export function genderedPair(label: string): [string, string] | undefined {
  return genderedForms(label)?.forms;
}

/**
 * Labels to index for one ESCO label: the label itself, and for a gendered pair both forms and the
 * short forms ads use ("Entwickler/in", "Entwickler:in", "infirmier/ère", "étudiant.e"). Short forms
 * are made only when the forms differ in one word (the shared part has no space after it).
 */
export function labelVariants(label: string): string[] {
  const out = [label];
  const g = genderedForms(label);
  if (!g) return out;
  out.push(...g.forms);
  const [m, f] = g.words;
  let p = 0;
  while (p < m.length && p < f.length && m[p] === f[p]) p++;
  const mascRest = m.slice(p);
  const ending = f.slice(p);
  if (ending.length > 0 && !/\s/.test(mascRest) && !/\s/.test(ending)) {
    for (const join of SHORT_FORM_JOINS) out.push(`${g.prefix}${join(m, ending)}${g.suffix}`);
  }
  return [...new Set(out)];
}

/** "(m/w/d)", "(w/m/d)", "(H/F)", "(h/f/x)", "(m/v/x)", "m/w/d", "(all genders)", "(gn)": markers, not words of a title. */
const RE_MARKER = /\(\s*(?:[a-zA-Z]{1,3}(?:\s*[/,|]\s*[a-zA-Z]{1,3}){1,3}|all genders|gn\*?|f\/m\/x)\s*\)|\b[mwdMWD]\s*\/\s*[mwdMWD](?:\s*\/\s*[mwdxMWDX])?\b/g;
/** Feminine short endings glued to a word: "Techniker/in", "Techniker/-in", "Techniker:in", "Techniker*innen", "infirmier/ère", "(in)". */
const RE_ENDING = /(\p{L})(?:\/-?|:|\*|_|·)(\p{Ll}{1,5})(?!\p{L})|(\p{L})\((\p{Ll}{1,5})\)/gu;

/** A title or text with gender markers and feminine short endings removed (for search queries, not for offsets). */
export function stripGenderMarkers(text: string): string {
  return text.replace(RE_MARKER, ' ').replace(RE_ENDING, (_m, a?: string, _e?: string, c?: string) => a ?? c ?? '').replace(/\s+/g, ' ').trim();
}

const RE_GLUED_ENDING = /^(?:\/-?|:|\*|_|·|\.)(?:innen|in|e|ère|euse|rice|trice|a)(?![\p{L}\p{N}])|^\((?:in|innen|e|ère|a)\)/u;

/** Length of a feminine short ending glued at `at` ("/in", ":in", "*innen", "(in)", "/ère", ".e"); 0 if none. */
export function genderEndingAt(text: string, at: number): number {
  const m = RE_GLUED_ENDING.exec(text.slice(at, at + 8));
  return m ? m[0].length : 0;
}
