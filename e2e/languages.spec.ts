// End-to-end checks of ESCO in the text's language (issue 12): a German, a French and a Spanish ad
// get labels of their language matched (exact evidence spans) and shown with the English label
// beside them; the language is detected and can be overridden; an ad in a language without labels
// falls back to English with a notice; the English-only test model gets the bge-m3 notice; a label
// pack that fails to load leaves English working; a pack is fetched once and works offline.
// Screenshots go to test-results/screenshots/lang-*.png.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { pasteText, screenshot, waitDenseReady, waitFinal } from './appHelpers.ts';

const GERMAN_AD =
  'Wir suchen eine Pflegefachkraft (m/w/d) mit Erfahrung in der Altenpflege, Wundversorgung und Dokumentation. Führerschein Klasse B erforderlich.';
const FRENCH_AD =
  'Nous recherchons un infirmier (H/F) pour notre service de gériatrie. Vous savez gérer le stress et la communication avec les patients. Vous parlez anglais. Permis de conduire exigé.';
// The occupation comes from the title line: a one-word occupation in the body needs the model's support.
const SPANISH_AD = 'Enfermero\nBuscamos un enfermero para nuestro hospital. Experiencia en cuidados de heridas. Se requiere carnet de conducir.';
const FINNISH_AD = 'Etsimme kokenutta sairaanhoitajaa vanhustenhoitoon. Tehtäviin kuuluu haavanhoito ja kirjaaminen. Ajokortti vaaditaan.';

const PACK = /\/taxonomy\/labels-de\.json/;

/** A result entry of a list by its shown label. */
function result(page: Page, kind: 'skill' | 'occupation', label: string) {
  return page.getByTestId(`${kind}-results`).locator('li.result', { has: page.getByRole('link', { name: label, exact: true }) });
}

test('a German ad gets German-labelled results with exact evidence, English beside them, and a nursing occupation from the title search', async ({ page, context }) => {
  const packRequests: string[] = [];
  page.on('request', (r) => PACK.test(r.url()) && packRequests.push(r.url()));
  await page.goto('/');
  await waitDenseReady(page);
  // English users download no label pack
  await page.getByRole('button', { name: 'Try a sample job ad' }).click();
  await expect(page.getByTestId('detected-language')).toContainText('Detected: English (en)');
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  await waitFinal(page);
  expect(packRequests).toHaveLength(0);

  await page.getByRole('button', { name: 'Clear' }).click();
  await pasteText(context, page, GERMAN_AD);
  await expect(page.getByTestId('detected-language')).toContainText('Detected: German (de)');
  const wound = result(page, 'skill', 'Wundversorgung durchführen');
  await expect(wound).toBeVisible();
  await expect(wound.getByTestId('label-en')).toHaveText('carry out wound care');
  await expect(wound.getByRole('link')).toHaveAttribute('lang', 'de');
  await expect(wound.locator('.badge-lexical')).toBeVisible();
  // the evidence is exactly the word in the text
  await expect(page.getByTestId('document').locator('mark.strong', { hasText: /^Wundversorgung$/ })).toBeVisible();
  // the test model is English only: the notice suggests bge-m3, and German labels are matched all the same
  await expect(page.getByTestId('model-language-notice')).toContainText('bge-m3');
  await expect(page.getByTestId('model-language-notice')).toContainText('German and English are still matched');

  // the final (dense) result from the worker keeps the German mentions
  await waitFinal(page);
  await expect(wound).toBeVisible();
  await expect(wound.locator('.badge-lexical')).toBeVisible();
  await screenshot(page, 'lang-01-german');

  // exports carry both labels with the language codes, and the span's exact offsets
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  const doc = JSON.parse(readFileSync((await dl.path())!, 'utf8'));
  expect(doc.textLanguage).toBe('de');
  expect(doc.displayLanguage).toBe('de');
  const w = doc.skills.find((r: { label: string }) => r.label === 'carry out wound care');
  expect(w).toMatchObject({ labelLanguage: 'en', displayLabel: 'Wundversorgung durchführen', displayLanguage: 'de', displayFallback: false });
  const start = GERMAN_AD.indexOf('Wundversorgung');
  expect(w.evidence).toContainEqual(expect.objectContaining({ signal: 'lexical', start, end: start + 'Wundversorgung'.length, text: 'Wundversorgung' }));

  // title search: German titles, gender markers ignored
  await page.getByLabel('Job title').fill('Pflegefachkraft (m/w/d)');
  const hits = page.getByTestId('occupation-search-results');
  await expect(hits.locator('li').first()).toBeVisible();
  await expect(hits).toContainText(/Krankenpflege/);
  await expect(hits).toContainText(/nursing/i);
  await page.getByLabel('Job title').fill('Krankenpfleger');
  await expect(hits.locator('li').first()).toContainText(/nurse/i);
  await screenshot(page, 'lang-02-title-search');

  // the override: treated as English, the German labels are no longer matched
  await page.getByLabel('Text language').selectOption('en');
  await expect(page.getByTestId('skill-results').getByRole('link', { name: 'Wundversorgung durchführen', exact: true })).toBeHidden();
  await page.getByLabel('Text language').selectOption('');
  await expect(wound).toBeVisible();
  // labels in English on request, German still matched
  await page.getByLabel('Show labels in').selectOption('en');
  await expect(result(page, 'skill', 'carry out wound care')).toBeVisible();
  await page.getByLabel('Show labels in').selectOption('');
  await expect(wound).toBeVisible();

  // the pack was fetched once for all of this
  expect(packRequests).toHaveLength(1);
});

test("an ad's title line is ranked in the occupation search on request", async ({ page, context }) => {
  await page.goto('/');
  await pasteText(context, page, `Gesundheits- und Krankenpfleger (m/w/d)\n${GERMAN_AD}`);
  await expect(result(page, 'skill', 'Wundversorgung durchführen')).toBeVisible();
  await page.getByRole('button', { name: "Use the ad's title" }).click();
  await expect(page.getByLabel('Job title')).toHaveValue('Gesundheits- und Krankenpfleger (m/w/d)');
  const first = page.getByTestId('occupation-search-results').locator('li').first();
  await expect(first).toContainText('Gesundheits- und Krankenpfleger');
  await expect(first).toContainText(/nurse/i);
});

test('a French ad gets French labels, English marked where ESCO has no French label', async ({ page, context }) => {
  await page.goto('/');
  await pasteText(context, page, FRENCH_AD);
  await expect(page.getByTestId('detected-language')).toContainText('Detected: French (fr)');
  const english = result(page, 'skill', 'anglais');
  await expect(english).toBeVisible();
  await expect(english.getByTestId('label-en')).toHaveText('English');
  await expect(page.getByTestId('document').locator('mark.strong', { hasText: /^anglais$/ })).toBeVisible();
  const stress = result(page, 'skill', 'gérer le stress');
  await expect(stress).toBeVisible();
  await expect(stress.getByTestId('label-en')).toHaveText('cope with stress');
  // "communication" has no French label in the shared data: English, marked
  const communication = result(page, 'skill', 'communication');
  await expect(communication.locator('.badge-fallback')).toHaveText('EN');
  await screenshot(page, 'lang-03-french');
});

// Real ads (../shared/eval/ads). The evidence box sits below the language notice, outside the
// viewport: its lines must still be painted (innerText is empty for content the browser skips,
// which toBeVisible would not notice), so a full-page capture or print shows the text.
for (const [name, words] of [
  ['de-3', ['Lagerist', 'Wareneingang']],
  ['fr-3', ['Vendeur', 'boutique']],
] as const) {
  test(`the evidence text of a real ad (${name}) is painted, also below the fold`, async ({ page, context }) => {
    const text = readFileSync(`../shared/eval/ads/${name}.txt`, 'utf8');
    await page.goto('/');
    await pasteText(context, page, text);
    const doc = page.getByTestId('document');
    await expect(doc.locator('mark').first()).toBeAttached();
    const painted = await doc.evaluate((el) => ({ inner: (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), top: el.getBoundingClientRect().top, viewport: innerHeight }));
    expect(painted.top).toBeGreaterThan(painted.viewport);
    for (const w of words) expect(painted.inner).toContain(w);
    expect(painted.inner.length).toBeGreaterThan(0.5 * text.replace(/\s+/g, ' ').trim().length);
    await screenshot(page, `lang-evidence-${name}`);
  });
}

test('a Spanish ad gets occupation labels in Spanish, with a notice that skills are English', async ({ page, context }) => {
  await page.goto('/');
  await pasteText(context, page, SPANISH_AD);
  await expect(page.getByTestId('detected-language')).toContainText('Detected: Spanish (es)');
  await expect(page.getByTestId('language-notice')).toContainText('occupation labels in Spanish here but no skill labels');
  const occupation = result(page, 'occupation', 'enfermero/enfermera');
  await expect(occupation).toBeVisible();
  await expect(occupation.getByRole('link')).toHaveAttribute('lang', 'es');
  await expect(occupation.getByTestId('label-en')).toBeVisible();
  await expect(page.getByTestId('document').locator('mark.strong', { hasText: /^Enfermero$/ })).toBeVisible();
  await screenshot(page, 'lang-04-spanish');
});

test('an ad in a language without ESCO labels falls back to English with a notice', async ({ page, context }) => {
  const packRequests: string[] = [];
  page.on('request', (r) => /labels-[a-z]+\.json/.test(r.url()) && !/labels-index/.test(r.url()) && packRequests.push(r.url()));
  await page.goto('/');
  await pasteText(context, page, FINNISH_AD);
  await expect(page.getByTestId('detected-language')).toContainText('Detected: Finnish (fi)');
  await expect(page.getByTestId('language-notice')).toContainText('ESCO labels in Finnish are not available here, so only English labels are matched');
  await expect(page.getByTestId('language-notice')).toContainText('bge-m3');
  await expect(page.getByTestId('model-language-notice')).toContainText('English ESCO labels are still matched');
  await expect(page.locator('section.results-panel')).toHaveAttribute('aria-busy', 'false');
  expect(packRequests).toHaveLength(0);
  await screenshot(page, 'lang-05-no-labels');
});

test.describe('without a service worker (so routing sees the pack request)', () => {
  test.use({ serviceWorkers: 'block' });

  test('a label pack that fails to load says so and keeps English working', async ({ page, context }) => {
    await page.route(PACK, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"format":1,"language":"de","taxonomyHash":"stale","skills":[],"occupations":[],"skillGroups":[],"contentHash":"x"}' }));
    await page.goto('/');
    await pasteText(context, page, `${GERMAN_AD} We also use Java.`);
    await expect(page.getByTestId('label-pack-error')).toContainText('German labels could not be loaded');
    await expect(page.getByTestId('label-pack-error')).toContainText('rebuild it with "npm run build:taxonomy"');
    await expect(page.getByTestId('skill-results').getByRole('link', { name: 'Java (computer programming)', exact: true })).toBeVisible();
    await expect(page.getByTestId('skill-results').getByRole('link', { name: 'Wundversorgung durchführen', exact: true })).toBeHidden();
  });
});

test('a label pack is fetched once and works offline on the next visit', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 60_000 });
    await waitDenseReady(page);
    await pasteText(context, page, GERMAN_AD);
    await expect(result(page, 'skill', 'Wundversorgung durchführen')).toBeVisible();
    await waitFinal(page);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'ESCO Skill Finder' })).toBeVisible();
    await pasteText(context, page, GERMAN_AD);
    await expect(page.getByTestId('detected-language')).toContainText('Detected: German (de)');
    const wound = result(page, 'skill', 'Wundversorgung durchführen');
    await expect(wound).toBeVisible();
    await expect(wound.getByTestId('label-en')).toHaveText('carry out wound care');
    await expect(page.getByTestId('label-pack-error')).toHaveCount(0);
    await screenshot(page, 'lang-06-offline');
  } finally {
    await context.close();
  }
});
