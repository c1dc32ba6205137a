// Tests for text segmentation: exact offsets on every kind of input (bullets, line endings, emoji,
// RTL, CJK, HTML, junk), the splitting rules, the caps and their notices, and speed on 1 MB inputs.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENT_OPTIONS, segmentText, type SegmentationResult, type SegmentOptions } from './segment.ts';
import { mulberry32 } from './random.ts';

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Every broken invariant of a result, as readable strings (empty when all hold). */
function violations(text: string, result: SegmentationResult, options?: SegmentOptions): string[] {
  const max = options?.maxSegmentChars ?? DEFAULT_SEGMENT_OPTIONS.maxSegmentChars;
  const problems: string[] = [];
  let previousEnd = 0;
  result.segments.forEach((s, i) => {
    const where = `segment ${i} [${s.start}, ${s.end})`;
    if (s.index !== i) problems.push(`${where}: index ${s.index}`);
    if (text.slice(s.start, s.end) !== s.text) problems.push(`${where}: text.slice(start, end) !== text`);
    if (!(s.start < s.end)) problems.push(`${where}: empty`);
    if (s.start < previousEnd) problems.push(`${where}: overlaps the previous segment`);
    previousEnd = s.end;
    if (!/[\p{L}\p{N}]/u.test(s.text)) problems.push(`${where}: no letter or number`);
    if (/^\s|\s$/u.test(s.text)) problems.push(`${where}: untrimmed`);
    // A surrogate pair is never cut: neither edge falls between its halves.
    if (s.start > 0 && isHigh(text.charCodeAt(s.start - 1)) && isLow(text.charCodeAt(s.start))) problems.push(`${where}: starts mid-pair`);
    if (isHigh(text.charCodeAt(s.end - 1)) && isLow(text.charCodeAt(s.end))) problems.push(`${where}: ends mid-pair`);
    // Only a surrogate pair may push a piece one code unit over a tiny cap.
    if (s.text.length > Math.max(max, 2)) problems.push(`${where}: longer than ${max}`);
  });
  const truncated = result.segments.filter((s) => s.truncated).length;
  if (result.truncatedSegments !== truncated) problems.push(`truncatedSegments ${result.truncatedSegments} != ${truncated}`);
  return problems;
}

/** Segments the text and checks the invariants every result must satisfy. */
function seg(text: string, options?: SegmentOptions): SegmentationResult {
  const result = segmentText(text, options);
  expect(violations(text, result, options)).toEqual([]);
  return result;
}

/** Like seg, but also returns the time segmentText alone took. */
function timed(text: string, options?: SegmentOptions): [SegmentationResult, number] {
  const t0 = performance.now();
  const result = segmentText(text, options);
  const ms = performance.now() - t0;
  expect(violations(text, result, options)).toEqual([]);
  return [result, ms];
}

const texts = (r: SegmentationResult): string[] => r.segments.map((s) => s.text);


const JOB_AD = [
  'Senior Backend Developer (m/w/d)',
  '',
  'Your tasks:',
  '• Design and build REST APIs',
  '- Coordinate with the Android team; review code',
  '* Maintain CI/CD pipelines',
  '',
  'Your profile:',
  '1. Experience with Java, Python and SQL.',
  '2. Knowledge of standard tools such as Git and/or Docker',
  '',
  'We offer a great team & flexible hours. Apply now!',
].join('\n');

describe('segmentText: defaults', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_SEGMENT_OPTIONS).toEqual({ maxSegmentChars: 512, maxSegments: 2000, maxInputChars: 200_000, splitEnumerations: true });
  });
});

describe('segmentText: realistic job ad', () => {
  it('splits header, bullets, enumerations and the final sentences into exact pieces', () => {
    const r = seg(JOB_AD);
    expect(texts(r)).toEqual([
      'Senior Backend Developer (m/w/d)',
      'Your tasks',
      'Design',
      'build REST APIs',
      'Coordinate with the Android team',
      'review code',
      'Maintain CI/CD pipelines',
      'Your profile',
      'Experience with Java',
      'Python',
      'SQL',
      'Knowledge of standard tools such as Git',
      'Docker',
      'We offer a great team',
      'flexible hours',
      'Apply now',
    ]);
    expect(r.notices).toEqual([]);
    expect(r.inputTruncated).toBe(false);
    expect(r.segmentsCapped).toBe(false);
    expect(r.truncatedSegments).toBe(0);
    const java = r.segments.find((s) => s.text === 'Experience with Java');
    expect(java?.start).toBe(JOB_AD.indexOf('Experience'));
  });

  it('gives pieces of one sentence the same group, and different sentences different groups', () => {
    const r = seg(JOB_AD);
    const group = (t: string): number | undefined => r.segments.find((s) => s.text === t)?.group;
    expect(group('Python')).toBe(group('Experience with Java'));
    expect(group('SQL')).toBe(group('Experience with Java'));
    expect(group('Apply now')).not.toBe(group('flexible hours'));
    expect(group('Design')).not.toBe(group('Coordinate with the Android team'));
  });
});

describe('segmentText: bullets and lists', () => {
  it('strips many bullet styles at line start', () => {
    const text = [
      '• Java',
      '- Python',
      '* SQL',
      '· Docker',
      '▪ Kubernetes',
      '◦ Terraform',
      '– Ansible',
      '●Go',
      '   -   Rust  ',
    ].join('\n');
    expect(texts(seg(text))).toEqual(['Java', 'Python', 'SQL', 'Docker', 'Kubernetes', 'Terraform', 'Ansible', 'Go', 'Rust']);
  });

  it('strips numbered and lettered list markers', () => {
    const text = ['1. Java', '2) Python', '10. SQL', 'a) Docker', 'b. Kubernetes', '(c) Terraform', 'iv. Ansible', '1.2. Go'].join(
      '\n',
    );
    const r = seg(text);
    expect(texts(r)).toEqual(['Java', 'Python', 'SQL', 'Docker', 'Kubernetes', 'Terraform', 'Ansible', 'Go']);
    expect(r.segments[2].start).toBe(text.indexOf('SQL'));
  });

  it('does not mistake ordinary text for bullet markers', () => {
    const r = seg('-5 degrees is cold\n3.5 years of experience\n**Requirements**\ne-commerce platforms');
    expect(texts(r)).toEqual(['-5 degrees is cold', '3.5 years of experience', '**Requirements**', 'e-commerce platforms']);
  });

  it('splits on bullet symbols in the middle of a line (lists flattened by copy and paste)', () => {
    expect(texts(seg('Skills: • Java • Python ▪ SQL', { splitEnumerations: false }))).toEqual(['Skills', 'Java', 'Python', 'SQL']);
  });

  it('drops lines that are only bullets', () => {
    expect(seg('•\n-\n*\n1.\n• Java').segments.map((s) => s.text)).toEqual(['Java']);
  });
});

describe('segmentText: line breaks', () => {
  it('treats LF, CRLF and CR alike, without empty pieces', () => {
    const lines = ['Java developer wanted', 'Python experience', '', 'SQL knowledge'];
    const expected = ['Java developer wanted', 'Python experience', 'SQL knowledge'];
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = lines.join(eol);
      const r = seg(text);
      expect(texts(r)).toEqual(expected);
      expect(r.segments[1].start).toBe(lines[0].length + eol.length);
      expect(r.segments.every((s) => !/[\r\n]/.test(s.text))).toBe(true);
    }
  });

  it('handles mixed line endings and unicode line separators', () => {
    expect(texts(seg('Java\r\nPython\rSQL\nGo\u2028Rust\u2029C\r\n\r\n'))).toEqual(['Java', 'Python', 'SQL', 'Go', 'Rust', 'C']);
  });
});

describe('segmentText: unicode', () => {
  it('keeps exact offsets and whole surrogate pairs around emoji', () => {
    const text = '🚀 Rocket team 😀 wants you. 👨‍👩‍👧 Family friendly, 💻 remote work and 🍕 pizza!';
    const r = seg(text);
    expect(texts(r)).toEqual(['🚀 Rocket team 😀 wants you', '👨‍👩‍👧 Family friendly', '💻 remote work', '🍕 pizza']);
    expect(r.segments[1].start).toBe(text.indexOf('👨'));
  });

  it('drops emoji-only pieces (no letter or number)', () => {
    expect(seg('😀😀😀\n🎉 🎉\n✨').segments).toEqual([]);
  });

  it('never cuts a surrogate pair when capping length, even without word boundaries', () => {
    const text = 'a😀'.repeat(400);
    const r = seg(text, { maxSegmentChars: 10 });
    expect(r.segments.length).toBeGreaterThan(50);
    expect(r.segments.every((s) => s.truncated)).toBe(true);
  });

  it('segments Arabic (RTL) sentences', () => {
    const text = 'نبحث عن مطور برمجيات. هل لديك خبرة في جافا؟ انضم إلينا';
    const r = seg(text);
    expect(texts(r)).toEqual(['نبحث عن مطور برمجيات', 'هل لديك خبرة في جافا', 'انضم إلينا']);
    expect(r.segments[1].start).toBe(text.indexOf('هل'));
  });

  it('segments Hebrew (RTL) sentences', () => {
    const r = seg('אנחנו מחפשים מפתח. נדרש ניסיון ב-Java.');
    expect(texts(r)).toEqual(['אנחנו מחפשים מפתח', 'נדרש ניסיון ב-Java']);
  });

  it('segments Chinese and Japanese sentences on 。 and splits 、 enumerations', () => {
    const zh = seg('我们正在招聘软件工程师。需要熟悉Java、Python和SQL。');
    expect(texts(zh)).toEqual(['我们正在招聘软件工程师', '需要熟悉Java', 'Python和SQL']);
    const ja = seg('私たちはエンジニアを募集しています。経験者歓迎！東京勤務です。');
    expect(texts(ja)).toEqual(['私たちはエンジニアを募集しています', '経験者歓迎', '東京勤務です']);
    expect(ja.segments[2].start).toBe(ja.segments[1].end + 1);
  });

  it('accepts a locale and reports an unusable one instead of throwing', () => {
    expect(texts(seg('Wir suchen Entwickler. Kenntnisse in Java und SQL.', { locale: 'de' }))).toEqual([
      'Wir suchen Entwickler',
      'Kenntnisse in Java',
      'SQL',
    ]);
    const bad = seg('Java developer. Python developer.', { locale: 'not a locale!!' });
    expect(texts(bad)).toEqual(['Java developer', 'Python developer']);
    expect(bad.notices.some((n) => n.includes('not a locale!!'))).toBe(true);
  });
});

describe('segmentText: clauses and enumerations', () => {
  it('splits "Java, Python and SQL" into its items', () => {
    expect(texts(seg('Experience with Java, Python and SQL'))).toEqual(['Experience with Java', 'Python', 'SQL']);
    expect(texts(seg('Experience with Java, Python, and SQL.'))).toEqual(['Experience with Java', 'Python', 'SQL']);
  });

  it('splits on or, and/or, as well as and a spaced &', () => {
    expect(texts(seg('Java or Kotlin'))).toEqual(['Java', 'Kotlin']);
    expect(texts(seg('Git and/or Mercurial'))).toEqual(['Git', 'Mercurial']);
    expect(texts(seg('Scrum as well as Kanban'))).toEqual(['Scrum', 'Kanban']);
    expect(texts(seg('Sales & Marketing'))).toEqual(['Sales', 'Marketing']);
    expect(texts(seg('R&D, AT&T'))).toEqual(['R&D', 'AT&T']);
  });

  it('splits on conjunctions of other languages', () => {
    expect(texts(seg('Kenntnisse in Java, Python und SQL'))).toEqual(['Kenntnisse in Java', 'Python', 'SQL']);
    expect(texts(seg('Java oder Kotlin sowie Docker'))).toEqual(['Java', 'Kotlin', 'Docker']);
    expect(texts(seg('Maîtrise de Java et Python ou SQL'))).toEqual(['Maîtrise de Java', 'Python', 'SQL']);
    expect(texts(seg('Experiencia en Java y Python o SQL'))).toEqual(['Experiencia en Java', 'Python', 'SQL']);
    expect(texts(seg('Esperienza con Java e Python'))).toEqual(['Esperienza con Java', 'Python']);
    expect(texts(seg('Experiência em Java e SQL ou Python'))).toEqual(['Experiência em Java', 'SQL', 'Python']);
  });

  it('leaves numbers, slashes and capital single letters alone', () => {
    expect(texts(seg('Serving 1,000,000 users'))).toEqual(['Serving 1,000,000 users']);
    expect(texts(seg('CI/CD and TCP/IP'))).toEqual(['CI/CD', 'TCP/IP']);
    expect(texts(seg('Vitamin E supplements'))).toEqual(['Vitamin E supplements']);
    expect(texts(seg('Plan A or Plan B'))).toEqual(['Plan A', 'Plan B']);
  });

  it('never splits inside words that contain a conjunction', () => {
    const text = 'standard coordinate Android Anderson orchestration sandbox Portuguese order undo eternal mandatory';
    expect(texts(seg(text))).toEqual([text]);
    expect(texts(seg('Android and iOS development'))).toEqual(['Android', 'iOS development']);
    expect(texts(seg('coordinate, standardise or organise'))).toEqual(['coordinate', 'standardise', 'organise']);
  });

  it('keeps sentences whole when enumeration splitting is off, but still splits semicolons', () => {
    expect(texts(seg('Experience with Java, Python and SQL', { splitEnumerations: false }))).toEqual([
      'Experience with Java, Python and SQL',
    ]);
    expect(texts(seg('Java; Python；SQL', { splitEnumerations: false }))).toEqual(['Java', 'Python', 'SQL']);
  });

  it('splits on semicolons', () => {
    const text = 'Write clean code; test it well;review pull requests ;  deploy';
    const r = seg(text);
    expect(texts(r)).toEqual(['Write clean code', 'test it well', 'review pull requests', 'deploy']);
    expect(r.segments[2].start).toBe(text.indexOf('review'));
  });

  it('does not end a sentence after e.g. or i.e.', () => {
    expect(texts(seg('Use modern tools e.g. Git. Apply now.', { splitEnumerations: false }))).toEqual([
      'Use modern tools e.g. Git',
      'Apply now',
    ]);
    expect(texts(seg('One language, i.e. Java. Thanks.', { splitEnumerations: false }))).toEqual([
      'One language, i.e. Java',
      'Thanks',
    ]);
  });
});

describe('segmentText: length cap', () => {
  it('cuts long passages at word boundaries and reports the cut', () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`);
    const text = `Intro line\n${words.join(' ')}\nOutro line`;
    const r = seg(text);
    const long = r.segments.filter((s) => s.truncated);
    expect(long.length).toBeGreaterThanOrEqual(4);
    expect(r.truncatedSegments).toBe(long.length);
    for (const s of long) {
      expect(s.text.length).toBeLessThanOrEqual(512);
      // The cut falls between words: whitespace (or a line end) on both sides.
      expect(/\s/.test(text[s.start - 1])).toBe(true);
      expect(/\s/.test(text[s.end])).toBe(true);
    }
    // Nothing is lost: the chunks together hold every word, in order.
    expect(long.map((s) => s.text).join(' ')).toBe(words.join(' '));
    expect(r.segments[0].text).toBe('Intro line');
    expect(r.segments.at(-1)?.text).toBe('Outro line');
    expect(r.notices).toEqual([
      `${long.length} segments came from passages longer than 512 characters, which were cut into shorter pieces.`,
    ]);
  });

  it('finds every sentence of a long line, across the windows the sentence segmenter is fed', () => {
    const sentences = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} is here`);
    const r = seg(`${sentences.join('. ')}.`);
    expect(texts(r)).toEqual(sentences);
    expect(r.truncatedSegments).toBe(0);
  });

  it('respects a custom cap', () => {
    const r = seg('alpha beta gamma delta epsilon zeta eta theta iota kappa', { maxSegmentChars: 20 });
    expect(texts(r)).toEqual(['alpha beta gamma', 'delta epsilon zeta', 'eta theta iota kappa']);
    expect(r.truncatedSegments).toBe(3);
  });

  it('cuts text without spaces (Chinese) and single giant tokens within the cap', () => {
    const zh = '我们正在招聘软件工程师需要熟悉数据库和云计算'.repeat(60);
    const r = seg(zh, { maxSegmentChars: 100 });
    expect(r.segments.length).toBeGreaterThanOrEqual(zh.length / 100);
    expect(r.segments.map((s) => s.text).join('')).toBe(zh);

    const token = 'x'.repeat(2000);
    const t = seg(token);
    expect(t.segments.map((s) => s.text.length)).toEqual([512, 512, 512, 464]);
  });
});

describe('segmentText: degenerate and hostile input', () => {
  it('gives no segments for empty, whitespace-only and punctuation-only text', () => {
    for (const text of ['', ' ', '\n\r\n\t  ', '\u3000\u00a0\u200b', '...!!! ;;; — – • ,,,', '。、！？', '()[]{}<>/\\|']) {
      const r = seg(text);
      expect(r.segments).toEqual([]);
      expect(r.notices).toEqual([]);
      expect(r.inputTruncated).toBe(false);
    }
  });

  it('treats HTML as plain text', () => {
    const html = '<div class="job"><p>Experience with <b>Java</b></p>\n<ul><li>Docker</li></ul><script>alert(1)</script></div>';
    const r = seg(html);
    expect(texts(r)).toEqual(['<div class="job"><p>Experience with <b>Java</b></p>', '<ul><li>Docker</li></ul><script>alert(1)</script></div>']);
  });

  it('survives binary junk: random code units with NUL and lone surrogates', () => {
    const next = mulberry32(42);
    const units: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const r = next();
      // Oversample the nasty cases: NUL, lone surrogates, separators and line breaks.
      if (r < 0.05) units.push(0);
      else if (r < 0.1) units.push(0xd800 + Math.floor(next() * 0x800));
      else if (r < 0.15) units.push([0x0a, 0x0d, 0x2c, 0x3b, 0x2e, 0x20][Math.floor(next() * 6)]);
      else units.push(Math.floor(next() * 0x10000));
    }
    const junk = String.fromCharCode(...units.slice(0, 25_000)) + String.fromCharCode(...units.slice(25_000));
    const r = seg(junk);
    expect(r.segments.length).toBeGreaterThan(0);
    const small = seg(junk, { maxSegmentChars: 7 });
    expect(small.segments.length).toBeGreaterThan(0);
    expect(() => segmentText('\u0000\ud800\udfff\udc00\ud83d')).not.toThrow();
  });

  it('caps the number of segments and says so', () => {
    const r = seg('a\nb\nc\nd\ne', { maxSegments: 3 });
    expect(texts(r)).toEqual(['a', 'b', 'c']);
    expect(r.segmentsCapped).toBe(true);
    expect(r.notices).toEqual(['The text produced more than 3 segments; only the first 3 were analysed.']);
    const exact = seg('a\nb\nc', { maxSegments: 3 });
    expect(exact.segmentsCapped).toBe(false);
  });

  it('caps the input length without cutting a surrogate pair', () => {
    const text = 'x😀'.repeat(10); // x at 0, pair at 1-2, x at 3, pair at 4-5 ...
    const r = seg(text, { maxInputChars: 5 });
    expect(r.inputTruncated).toBe(true);
    expect(texts(r)).toEqual(['x😀x']);
    expect(r.notices).toEqual(['Input is 30 characters; only the first 4 were analysed.']);
  });

  it('caps a 1 MB input with notices and stays fast', () => {
    const unit = `${JOB_AD}\n\n`;
    const big = unit.repeat(Math.ceil(1_048_576 / unit.length)).slice(0, 1_048_576);
    const [r, capped] = timed(big);
    expect(r.inputTruncated).toBe(true);
    expect(r.notices[0]).toMatch(/^Input is 1,048,576 characters; only the first 19\d,\d{3} were analysed\.$/);
    expect(r.segmentsCapped).toBe(true);
    expect(r.segments).toHaveLength(2000);
    expect(r.notices[1]).toBe('The text produced more than 2,000 segments; only the first 2,000 were analysed.');

    const uncappedOptions = { maxInputChars: Infinity, maxSegments: Infinity };
    const [all, uncapped] = timed(big, uncappedOptions);
    expect(all.inputTruncated).toBe(false);
    expect(all.segments.length).toBeGreaterThan(50_000);
    expect(all.segments.at(-1)?.end).toBeGreaterThan(1_048_000);

    // One line of 1 MB: V8's Intl.Segmenter is quadratic on long strings unless fed in windows.
    const next = mulberry32(7);
    const oneLine = Array.from({ length: 150_000 }, () => ['Java', 'Python,', 'and', 'SQL.', 'coordinate'][Math.floor(next() * 5)])
      .join(' ')
      .slice(0, 1_048_576);
    const [line, singleLine] = timed(oneLine, uncappedOptions);
    expect(line.segments.length).toBeGreaterThan(10_000);

    const blob = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkr'.repeat(24_000).slice(0, 1_048_576);
    const [chunks, noSpaces] = timed(blob, uncappedOptions);
    expect(chunks.segments.map((s) => s.text).join('')).toBe(blob);

    console.log(
      `segment 1 MB: default caps ${capped.toFixed(0)} ms; uncapped job ads ${uncapped.toFixed(0)} ms ` +
        `(${all.segments.length} segments); one line ${singleLine.toFixed(0)} ms; no spaces ${noSpaces.toFixed(0)} ms`,
    );
  });
});
