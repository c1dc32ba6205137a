// The CV against job ad view, as a user works it: an ad and a CV with a known overlap give the
// expected met, missing and extra skills (by ESCO URI), evidence quotes select their span in the
// right pane, and the thresholds re-cut both sides live. Bad input (an empty pane, identical texts,
// a corrupt DOCX, an image, a 50 MB PDF) gets a message and leaves the other pane and the results as they were.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { screenshot, waitDenseReady, ENGINE_TIMEOUT } from './appHelpers.ts';
import { cvPdf, CV_PDF_TEXT, tinyPng, truncatedDocx } from './fixtures/documents.ts';

interface Tax {
  skills: { uri: string; label: string }[];
}
const taxonomy = JSON.parse(readFileSync('public/taxonomy/taxonomy.json', 'utf8')) as Tax;
const uri = (label: string) => {
  const s = taxonomy.skills.find((x) => x.label === label);
  if (!s) throw new Error(`no skill labelled ${label}`);
  return s.uri;
};

const AD = 'Data engineer\nYou will write SQL and Java every day. Experience with Python and project management is required. You manage budgets for the team.';
const CV = 'Experienced developer. I write SQL daily and build services in Java. I applied machine learning to fraud detection.';

async function openCompare(page: Page): Promise<void> {
  await page.goto('/');
  await waitDenseReady(page);
  await page.getByRole('button', { name: 'CV against job ad' }).click();
  await expect(page).toHaveURL(/#compare$/);
}

async function waitCompared(page: Page): Promise<void> {
  const results = page.locator('section.compare-results');
  await expect(results).toHaveAttribute('data-final', 'true', { timeout: ENGINE_TIMEOUT });
  await expect(results).toHaveAttribute('aria-busy', 'false', { timeout: ENGINE_TIMEOUT });
}

const entry = (page: Page, list: string, label: string) => page.getByTestId(list).locator(`li[data-uri="${uri(label)}"]`);

test('an ad and a CV with known overlap: met, missing and extra skills by URI, linked evidence, live thresholds', async ({ page }) => {
  await openCompare(page);
  await expect(page.getByTestId('compare-notice')).toHaveText('Paste or open a job ad and a CV to compare them.');
  await page.getByLabel('Job ad text').fill(AD);
  await expect(page.getByTestId('compare-notice')).toContainText('The CV pane is empty');
  await page.getByLabel('CV text').fill(CV);
  await waitCompared(page);

  for (const label of ['SQL', 'Java (computer programming)']) await expect(entry(page, 'skills-met', label)).toBeVisible();
  for (const label of ['project management', 'manage budgets']) await expect(entry(page, 'skills-missing', label)).toBeVisible();
  // Python is not in the CV, but Java, in the same narrowest ESCO skill group, is: related, partly credited.
  await expect(entry(page, 'skills-related', 'Python (computer programming)')).toContainText(/CV has (Java \(computer programming\)|SQL)/);
  await expect(entry(page, 'skills-extra', 'machine learning')).toBeVisible();
  await expect(entry(page, 'skills-missing', 'SQL')).toHaveCount(0);
  await expect(page.getByTestId('match-figure')).toContainText(/\d+ % match · \d+ met/);
  await expect(page.getByTestId('match-definition')).toContainText('weighted by its specificity');
  await screenshot(page, 'compare-01-match');

  // A met skill quotes both texts; each quote selects its evidence in its own pane.
  const sql = entry(page, 'skills-met', 'SQL');
  await sql.locator('button[data-pane="cv"]').click();
  const selected = (id: string) => page.locator(id).evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd));
  await expect.poll(() => selected('#compare-cv-text')).toContain('SQL');
  await sql.locator('button[data-pane="ad"]').click();
  await expect.poll(() => selected('#compare-ad-text')).toContain('SQL');

  // Threshold 1.00: alternative-label mentions (0.95: "Java", "Python") drop out on both sides, preferred ones stay.
  const slider = page.getByLabel('Skill threshold');
  await slider.fill('1');
  await expect(entry(page, 'skills-met', 'Java (computer programming)')).toHaveCount(0);
  await expect(entry(page, 'skills-related', 'Python (computer programming)')).toHaveCount(0);
  await expect(entry(page, 'skills-missing', 'Python (computer programming)')).toHaveCount(0);
  await expect(entry(page, 'skills-met', 'SQL')).toBeVisible();
  await expect(entry(page, 'skills-missing', 'project management')).toBeVisible();
  await page.getByRole('button', { name: 'Reset thresholds' }).click();
  await expect(entry(page, 'skills-met', 'Java (computer programming)')).toBeVisible();

  // A reload keeps the view (the hash) but not the texts, which are never stored.
  await page.reload();
  await expect(page.getByLabel('Job ad text')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'CV against job ad' })).toHaveAttribute('aria-pressed', 'true');
});

test('bad input in one pane leaves the other pane and the comparison as they were', async ({ page }) => {
  await openCompare(page);
  await page.getByLabel('Job ad text').fill(AD);
  // The CV from a PDF file (text extracted in the browser).
  await page.getByLabel('CV file').setInputFiles({ name: 'cv.pdf', mimeType: 'application/pdf', buffer: Buffer.from(cvPdf()) });
  await expect(page.getByLabel('CV text')).toHaveValue(CV_PDF_TEXT);
  await expect(page.getByTestId('compare-pane-cv')).toContainText('from cv.pdf');
  await waitCompared(page);
  const sqlMet = page.getByTestId('skills-met').locator(`li[data-uri="${uri('SQL')}"]`);
  await expect(sqlMet).toBeVisible();

  await page.getByLabel('CV file').setInputFiles({ name: 'cv.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from(truncatedDocx()) });
  await expect(page.getByTestId('compare-pane-cv').getByRole('alert')).toContainText('cv.docx');
  await page.getByLabel('Job ad file').setInputFiles({ name: 'photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from(tinyPng()) });
  await expect(page.getByTestId('compare-pane-ad').getByRole('alert')).toContainText('is an image (PNG)');
  // A 50 MB PDF dropped on the ad pane (made in the page: nothing that large crosses the test wire).
  const big = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(50 * 1024 * 1024)], 'huge-scan.pdf', { type: 'application/pdf' }));
    return dt;
  });
  await page.getByLabel('Job ad text').dispatchEvent('drop', { dataTransfer: big });
  await expect(page.getByTestId('compare-pane-ad').getByRole('alert')).toContainText('huge-scan.pdf');
  await expect(page.getByTestId('compare-pane-ad').getByRole('alert')).toContainText('MB');
  await expect(page.getByLabel('CV text')).toHaveValue(CV_PDF_TEXT);
  await expect(page.getByLabel('Job ad text')).toHaveValue(AD);
  // The comparison is still there (its figure may move if the engine's reranker came on meanwhile).
  await expect(page.getByTestId('match-figure')).toContainText(/\d+ % match/);
  await expect(sqlMet).toBeVisible();
  await screenshot(page, 'compare-02-bad-files');

  // The same text in both panes: said so, and everything matches.
  await page.getByLabel('CV text').fill(AD);
  await waitCompared(page);
  await expect(page.getByTestId('compare-notice')).toContainText('The two texts are identical');
  await expect(page.getByTestId('match-figure')).toContainText('100 %');
  await expect(page.getByTestId('skills-missing').locator('li')).toHaveCount(0);

  // An emptied pane: a message instead of a comparison; the other pane keeps its text.
  await page.getByTestId('compare-pane-ad').getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('compare-notice')).toContainText('The job ad pane is empty');
  await expect(page.getByTestId('match-figure')).toHaveCount(0);
  await expect(page.getByLabel('CV text')).toHaveValue(AD);
});
