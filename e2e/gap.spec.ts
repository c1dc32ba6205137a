// Occupations inferred from skills and the skill gap to a target occupation, as a user works them:
// the sample ad suggests occupations with an explanation; a target picked in the occupation search
// shows exactly ESCO's essential and optional links for it, split into found (the quote selects its
// evidence in the text) and missing, grouped by skill area; the gap downloads as JSON and CSV that
// parse back, and the printable page renders (screenshots kept in test-results/screenshots). An
// ISCO group, which has no skill links, gets a message with its occupations to pick from.
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { expect, test, type Page } from '@playwright/test';
import { pasteText, screenshot, waitDenseReady, waitFinal } from './appHelpers.ts';
import { SAMPLE_JOB_AD } from '../src/app/sampleAd.ts';

interface Tax {
  skills: { uri: string; label: string }[];
  occupations: { uri: string; label: string; isIscoGroup: boolean; iscoCode: string; essentialSkills: number[]; optionalSkills: number[] }[];
}
const taxonomy = JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')) as Tax;
const occupation = (label: string, group = false) => {
  const o = taxonomy.occupations.find((x) => x.label === label && x.isIscoGroup === group);
  if (!o) throw new Error(`no occupation labelled ${label}`);
  return o;
};

const urisIn = (page: Page, testId: string) => page.getByTestId(testId).locator('li[data-uri]').evaluateAll((els) => els.map((e) => e.getAttribute('data-uri') ?? ''));

async function pickTarget(page: Page, query: string, targetUri: string): Promise<void> {
  await page.getByLabel(/^Job title/).fill(query);
  const hit = page.getByTestId('occupation-search-results').locator(`li[data-uri="${targetUri}"]`);
  await hit.getByRole('button', { name: 'Skill gap' }).click();
  await expect(hit.getByRole('button', { name: 'Skill gap' })).toHaveAttribute('aria-pressed', 'true');
}

test('the skill gap to a searched occupation lists exactly its ESCO links, found with evidence and missing by area; exports and printable page', async ({ page, context }) => {
  await page.goto('/');
  await waitDenseReady(page);
  await pasteText(context, page, SAMPLE_JOB_AD);
  await waitFinal(page);

  // Occupations inferred from the skills, each with why.
  const inferred = page.getByTestId('inferred-occupations').locator('li');
  await expect(inferred.first()).toBeVisible();
  await expect(inferred.first()).toContainText(/\d+ of \d+ (essential|optional)/);

  const target = occupation('software developer');
  await pickTarget(page, 'software developer', target.uri);
  const gap = page.getByTestId('skill-gap');
  await expect(gap).toBeVisible();

  const essential = new Set(target.essentialSkills.map((i) => taxonomy.skills[i].uri));
  const optional = new Set(target.optionalSkills.map((i) => taxonomy.skills[i].uri).filter((u) => !essential.has(u)));
  const found = await urisIn(page, 'gap-essential-found');
  const missing = await urisIn(page, 'gap-essential-missing');
  expect(new Set([...found, ...missing])).toEqual(essential);
  expect(found.length + missing.length).toBe(essential.size);
  expect(found.length).toBeGreaterThan(0);
  const optFound = await urisIn(page, 'gap-optional-found');
  const optMissing = await urisIn(page, 'gap-optional-missing');
  expect(new Set([...optFound, ...optMissing])).toEqual(optional);
  await expect(page.getByTestId('gap-coverage')).toContainText(`essential ${found.length} of ${essential.size}`);
  // Missing skills come in areas of the ESCO hierarchy, fewer areas than skills.
  const areas = await page.getByTestId('gap-optional-missing').locator('.gap-group').count();
  expect(areas).toBeGreaterThan(1);
  expect(areas).toBeLessThan(optMissing.length);

  // A found skill's quote selects its evidence in the text.
  await page.getByTestId('gap-essential-found').locator('button.evidence-link').first().click();
  const selection = await page.getByLabel('Job ad or CV').evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
  expect(selection[1]).toBeGreaterThan(selection[0]);
  await screenshot(page, 'gap-01-panel');

  // Downloads parse back with the same skills.
  const json = page.waitForEvent('download');
  await gap.getByRole('button', { name: 'Download JSON' }).click();
  const jsonFile = await (await json).path();
  const exported = JSON.parse(readFileSync(jsonFile, 'utf8')) as { occupation: { uri: string }; entries: { skillUri: string; relation: string; status: string }[] };
  expect(exported.occupation.uri).toBe(target.uri);
  expect(new Set(exported.entries.filter((e) => e.relation === 'essential').map((e) => e.skillUri))).toEqual(essential);
  expect(exported.entries.filter((e) => e.status === 'found' && e.relation === 'essential').length).toBe(found.length);
  const csv = page.waitForEvent('download');
  await gap.getByRole('button', { name: 'Download CSV' }).click();
  const rows = Papa.parse<Record<string, string>>(readFileSync(await (await csv).path(), 'utf8'), { header: true, skipEmptyLines: true });
  expect(rows.errors).toEqual([]);
  expect(rows.data.length).toBe(essential.size + optional.size);

  // The printable page: its own plain view, as on screen and as printed.
  await gap.getByRole('button', { name: 'Printable page' }).click();
  const report = page.getByTestId('gap-report');
  await expect(report.getByRole('heading', { level: 1 })).toHaveText('Skill gap: software developer');
  expect(new Set(await urisIn(page, 'gap-essential-missing'))).toEqual(new Set(missing));
  await expect(page.locator('.app-header')).toHaveCount(0);
  await screenshot(page, 'gap-02-printable');
  await page.emulateMedia({ media: 'print' });
  await expect(report.getByRole('button', { name: 'Print' })).toBeHidden();
  await screenshot(page, 'gap-03-printed');
  await page.emulateMedia({ media: 'screen' });
  await report.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByTestId('skill-gap')).toBeVisible();
  await expect(page.getByLabel('Job ad or CV')).toHaveValue(SAMPLE_JOB_AD);
});

test('an ISCO group as the target: a message with its occupations; picking one shows its gap', async ({ page, context }) => {
  await page.goto('/');
  await waitDenseReady(page);
  await pasteText(context, page, SAMPLE_JOB_AD);
  await waitFinal(page);
  const resultKeys = () => page.getByTestId('skill-results').locator('li[data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  const skillsBefore = await resultKeys();
  expect(skillsBefore.length).toBeGreaterThan(0);
  const group = occupation('Software developers', true);
  await pickTarget(page, 'Software developers', group.uri);
  const error = page.getByTestId('gap-error');
  await expect(error).toContainText(`ISCO group ${group.iscoCode}`);
  await expect(error).toContainText('has no skill links');
  const suggestion = error.getByRole('button').first();
  const name = (await suggestion.textContent()) ?? '';
  await suggestion.click();
  await expect(page.getByTestId('gap-title')).toContainText(name);
  await expect(page.getByTestId('gap-essential')).toBeVisible();
  // The results of the text are untouched.
  expect(await resultKeys()).toEqual(skillsBefore);
});
