// PDF and DOCX input in the browser, nothing uploaded: a CV PDF opened with the "Open file…" button
// fills the text pane with its text and is analysed (evidence offsets are offsets into that text);
// a DOCX dropped on the pane replaces it; an image named .pdf and a scanned PDF are refused with a
// message and the text stays. Then, offline, the PDF and DOCX readers still work: pdf.js, its worker
// and mammoth are bundled (never a CDN) and, not needed by every visit, not precached: the service
// worker keeps them from their first use. Fixtures are built in memory (e2e/fixtures).
import { expect, test, type Page } from '@playwright/test';
import { AD_DOCX_TEXT, adDocx, CV_PDF_TEXT, cvPdf, scannedPdf, tinyPng } from './fixtures/documents.ts';
import { screenshot, waitDenseReady, waitFinal } from './appHelpers.ts';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function fileInput(page: Page) {
  return page.locator('input[type="file"][aria-label="Text file to analyse"]');
}

test('a PDF by the file chooser and a DOCX by drop fill the text pane; refused files leave it as it was', async ({ page }) => {
  await page.goto('/');
  await waitDenseReady(page);
  const box = page.getByLabel('Job ad or CV');
  const skills = page.getByTestId('skill-results');

  // The button opens the file chooser (the keyboard route); the input accepts the three kinds.
  await expect(fileInput(page)).toHaveAttribute('accept', /\.pdf/);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open file…' }).click();
  await (await chooser).setFiles({ name: 'maria-jansen-cv.pdf', mimeType: PDF, buffer: Buffer.from(cvPdf()) });
  await expect(box).toHaveValue(CV_PDF_TEXT);
  await waitFinal(page);
  for (const label of ['project management', 'customer service', 'Python (computer programming)']) {
    await expect(skills.getByRole('link', { name: label, exact: true })).toBeVisible();
  }
  // Evidence is marked in exactly the extracted text.
  const doc = page.getByTestId('document');
  expect(await doc.evaluate((el) => el.textContent)).toBe(CV_PDF_TEXT);
  await expect(doc.locator('mark', { hasText: /^project management$/ }).first()).toBeVisible();
  await screenshot(page, 'documents-01-pdf');

  // A DOCX dropped on the text pane. Dragging files over it shows the drop target first.
  const dataTransfer = await page.evaluateHandle(
    ([bytes, type]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'data-analyst.docx', { type }));
      return dt;
    },
    [Array.from(adDocx()), DOCX] as const,
  );
  await box.dispatchEvent('dragover', { dataTransfer });
  await expect(page.locator('.drop-zone.dragging')).toBeVisible();
  await box.dispatchEvent('drop', { dataTransfer });
  await expect(page.locator('.drop-zone.dragging')).toHaveCount(0);
  await expect(box).toHaveValue(AD_DOCX_TEXT);
  await waitFinal(page);
  for (const label of ['SQL', 'statistics']) {
    await expect(skills.getByRole('link', { name: label, exact: true })).toBeVisible();
  }

  // An image renamed .pdf: refused by its bytes, with the reason, and the DOCX text stays.
  await fileInput(page).setInputFiles({ name: 'scan-of-cv.pdf', mimeType: PDF, buffer: Buffer.from(tinyPng()) });
  const alert = page.getByRole('alert').filter({ hasText: '"scan-of-cv.pdf" is an image (PNG); open a PDF, DOCX or text file.' });
  await expect(alert).toBeVisible();
  await expect(box).toHaveValue(AD_DOCX_TEXT);
  await screenshot(page, 'documents-02-image-refused');

  // A real PDF without a text layer: told to run OCR; the text still stays.
  await fileInput(page).setInputFiles({ name: 'scanned.pdf', mimeType: PDF, buffer: Buffer.from(scannedPdf()) });
  await expect(page.getByRole('alert').filter({ hasText: 'has no text layer — it looks scanned; run OCR first or paste the text.' })).toBeVisible();
  await expect(alert).toHaveCount(0);
  await expect(box).toHaveValue(AD_DOCX_TEXT);

  // A good file afterwards clears the message.
  await fileInput(page).setInputFiles({ name: 'cv.pdf', mimeType: PDF, buffer: Buffer.from(cvPdf()) });
  await expect(box).toHaveValue(CV_PDF_TEXT);
  await expect(page.getByRole('alert').filter({ hasText: 'scanned' })).toHaveCount(0);
});

test('PDF and DOCX files open offline once opened online: the readers come from the runtime cache, not the network', async ({ page, context }) => {
  await page.goto('/');
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), undefined, { timeout: 60_000 });
  // The readers are not precached (not every visit opens a file): they are fetched on first use.
  const precached = await page.evaluate(async () => (await Promise.all((await caches.keys()).filter((n) => n.includes('precache')).map(async (n) => (await (await caches.open(n)).keys()).map((r) => r.url)))).flat());
  expect(precached.some((u) => /pdf|ort-wasm/.test(u)), precached.join('\n')).toBe(false);
  const box = page.getByLabel('Job ad or CV');
  await fileInput(page).setInputFiles({ name: 'cv.pdf', mimeType: PDF, buffer: Buffer.from(cvPdf()) });
  await expect(box).toHaveValue(CV_PDF_TEXT);
  await fileInput(page).setInputFiles({ name: 'ad.docx', mimeType: DOCX, buffer: Buffer.from(adDocx()) });
  await expect(box).toHaveValue(AD_DOCX_TEXT);

  await context.setOffline(true);
  // Anything that would still reach the network fails: only the service worker's cache can answer.
  await context.route('**/*', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'ESCO Skill Finder' })).toBeVisible();
  // The network really is cut: a URL that is not precached cannot be fetched.
  expect(await page.evaluate(() => fetch(`/offline-probe-${Date.now()}.txt`).then(() => 'reached', () => 'failed'))).toBe('failed');
  await fileInput(page).setInputFiles({ name: 'cv.pdf', mimeType: PDF, buffer: Buffer.from(cvPdf()) });
  await expect(box).toHaveValue(CV_PDF_TEXT);
  await fileInput(page).setInputFiles({ name: 'ad.docx', mimeType: DOCX, buffer: Buffer.from(adDocx()) });
  await expect(box).toHaveValue(AD_DOCX_TEXT);
});
