// Section detection: headings open sections that run to the next heading; boilerplate lines are
// found without a heading; job headings ("Requirements") end a skipped section.
import { describe, expect, it } from 'vitest';
import { detectSections, sectionAt } from './sections.ts';

const AD = [
  'Senior Java Developer',
  'About us',
  'We are a leading provider of logistics software, founded in 1999.',
  'Our team spans five countries.',
  'Requirements',
  '- 5 years of Java and Spring',
  '- Experience with SQL databases',
  'What we offer:',
  '- Competitive salary and a company car',
  '- Training budget',
  'ACME is an equal opportunity employer and values diversity.',
  'To apply, send your CV to jobs@example.com.',
].join('\n');

const slice = (s: { start: number; end: number }) => AD.slice(s.start, s.end);

describe('detectSections', () => {
  it('finds company, benefits, legal and application sections with their reasons', () => {
    const sections = detectSections(AD);
    expect(sections.map((s) => s.reason)).toEqual(['company', 'benefits']);
    expect(slice(sections[0])).toBe('About us\nWe are a leading provider of logistics software, founded in 1999.\nOur team spans five countries.');
    expect(sections[0].heading).toBe('About us');
    expect(sections[0].label).toBe('company description');
    // The benefits heading runs to the end: the EEO and apply lines are inside it (no heading ends it).
    expect(slice(sections[1]).startsWith('What we offer:')).toBe(true);
    expect(slice(sections[1]).endsWith('jobs@example.com.')).toBe(true);
    expect(sections.every((s) => !s.analysed)).toBe(true);
  });

  it('leaves the job content alone', () => {
    const sections = detectSections(AD);
    const req = AD.indexOf('5 years of Java');
    expect(sectionAt(sections, req)).toBe(-1);
    expect(sectionAt(sections, AD.indexOf('Senior Java'))).toBe(-1);
    expect(sectionAt(sections, AD.indexOf('Training budget'))).toBe(1);
  });

  it('recognises boilerplate lines without a heading and merges consecutive ones', () => {
    const text = [
      'You will build data pipelines in Python.',
      'We are an equal opportunity employer.',
      'All qualified applicants will receive consideration without regard to race, religion, sex or disability.',
      'Please submit your resume through our website.',
    ].join('\n');
    const s = detectSections(text);
    expect(s.map((x) => x.reason)).toEqual(['legal', 'apply']);
    expect(text.slice(s[0].start, s[0].end)).toBe('We are an equal opportunity employer.\nAll qualified applicants will receive consideration without regard to race, religion, sex or disability.');
    expect(s[0].heading).toBeUndefined();
  });

  it('tolerates SkillSpan-style spacing and masked names, and ignores long lines that only start like a heading', () => {
    expect(detectSections('Job title\nWhat we offer :\nfree lunch').map((s) => s.reason)).toEqual(['benefits']);
    // SkillSpan masks the company name: "About <ORGANIZATION>" is the company blurb's heading.
    expect(detectSections('About <ORGANIZATION>\nstuff').map((s) => s.reason)).toEqual(['company']);
    expect(detectSections('Benefits of this role include working with Kubernetes, Terraform and many more tools every day.')).toEqual([]);
    expect(detectSections('')).toEqual([]);
  });
});

describe('detectSections: no false alarms on job content', () => {
  it('does not mistake "apply your knowledge" or benefits-like skills for boilerplate', () => {
    expect(detectSections("You'll be required to apply your depth of knowledge to all aspects of the software development lifecycle.")).toEqual([]);
    expect(detectSections('Experience with health information systems and insurance claims processing.')).toEqual([]);
    expect(detectSections('To apply for this role, please use the form below.').map((s) => s.reason)).toEqual(['apply']);
  });
});
