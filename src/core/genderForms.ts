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

/** Splits "A/B" at its one top-level slash (none inside parentheses); undefined otherwise. */
function splitPair(label: string): [string, string] | undefined {
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
  return a.length >= 2 && b.length >= 2 ? [a, b] : undefined;
}

/**
 * A gendered pair: both halves share a stem of at least 3 letters after case and diacritic folding
 * ("Koch/Köchin", "Arzt/Ärztin", "enfermero/enfermera"); "TCP/IP" or "input/output" are no pair.
 */
export function genderedPair(label: string): [string, string] | undefined {
  const pair = splitPair(label);
  if (!pair) return undefined;
  const [a, b] = pair.map(fold);
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  return p >= 3 && p >= Math.min(a.length, b.length) / 4 ? pair : undefined;
}

/**
 * Labels to index for one ESCO label: the label itself, and for a gendered pair both forms and the
 * short forms ads use ("Entwickler/in", "Entwickler:in", "infirmier/ère", "étudiant.e"). Short forms
 * are made only when the forms differ in the last word (the shared part has no space after it).
 */
export function labelVariants(label: string): string[] {
  const out = [label];
  const pair = genderedPair(label);
  if (!pair) return out;
  const [m, f] = pair;
  out.push(m, f);
  let p = 0;
  while (p < m.length && p < f.length && m[p] === f[p]) p++;
  const mascRest = m.slice(p);
  const ending = f.slice(p);
  if (ending.length > 0 && !/\s/.test(mascRest) && !/\s/.test(ending)) {
    for (const join of SHORT_FORM_JOINS) out.push(join(m, ending));
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
