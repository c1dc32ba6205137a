// The results' "Show as" switch: the flat ranked list, sections by ESCO skill group (occupations by
// ISCO major group) and sections by skill type. Checks that a known skill sits under its ESCO group,
// that a broader skill found by meaning on the same sentence as its narrower one is shown inside it
// ("within: ...") instead of as a second entry, that sections carry counts and collapse from the
// keyboard, that the choice persists across a reload, and that switching back gives the flat list.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { pasteText, screenshot, waitDenseReady, waitFinal } from './appHelpers.ts';

// "manage musical staff" is named; its broader skill "manage staff" is found by meaning on that line only.
const AD = 'Software developer wanted.\nWe need strong SQL skills.\nYou must manage musical staff.';

/** The section of a grouped list whose heading button starts with `heading`. */
function section(list: Locator, page: Page, heading: RegExp): Locator {
  return list.locator('.result-group').filter({ has: page.getByRole('button', { name: heading }) });
}

test('results grouped by the ESCO hierarchy and by skill type, and back to the flat list', async ({ page, context }) => {
  await page.goto('/');
  await waitDenseReady(page);
  await pasteText(context, page, AD);
  await waitFinal(page);
  const skills = page.getByTestId('skill-results');
  const occupations = page.getByTestId('occupation-results');

  // Flat list (the default): the broader skill is an entry of its own.
  await expect(page.getByLabel('List', { exact: true })).toBeChecked();
  await expect(skills).toHaveAttribute('data-grouping', 'list');
  await expect(skills.locator('li.result', { has: page.getByRole('link', { name: 'manage staff', exact: true }) })).toHaveCount(1);
  const flatCount = await skills.getByRole('listitem').count();
  expect(flatCount).toBeGreaterThan(2);

  // Keyboard: arrow keys move through the radio group.
  await page.getByLabel('List', { exact: true }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByLabel('Grouped by ESCO hierarchy')).toBeChecked();
  await expect(skills).toHaveAttribute('data-grouping', 'hierarchy');

  const ict = section(skills, page, /^06 information and communication technologies \(icts\) \d+$/);
  await expect(ict.getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  const management = section(skills, page, /^S4 management skills \d+$/);
  const musical = management.locator('li.result', { has: page.getByRole('link', { name: 'manage musical staff', exact: true }) });
  await expect(musical.getByTestId('result-context')).toHaveText('within: manage staff');
  await expect(skills.locator('li.result .result-label', { hasText: /^manage staff$/ })).toHaveCount(0);
  // A section's count is its entries plus the broader skills shown within them and the variants folded into them.
  const linksIn = (testId: string) => management.getByTestId(testId).getByRole('link').count();
  const inSection = (await management.locator('li.result').count()) + (await linksIn('result-context')) + (await linksIn('result-variants'));
  await expect(management.getByRole('button')).toHaveAccessibleName(new RegExp(` ${inSection}$`));
  // Hovering the entry lights up its evidence in the text.
  await musical.hover();
  await expect(page.getByTestId('document').locator('mark.active', { hasText: 'manage musical staff' })).toBeVisible();
  await page.mouse.move(0, 0);

  // Occupations by ISCO major group.
  await expect(section(occupations, page, /^2 Professionals \d+$/).getByRole('link', { name: 'software developer', exact: true })).toBeVisible();

  // Sections collapse and expand from the keyboard.
  const toggle = ict.getByRole('button');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(ict.getByRole('link', { name: 'SQL', exact: true })).toBeHidden();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(ict.getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  await screenshot(page, 'grouping-hierarchy');

  // By skill type; occupations stay a flat list there.
  await page.getByLabel('By skill type').check();
  await expect(skills).toHaveAttribute('data-grouping', 'skillType');
  await expect(section(skills, page, /^Knowledge \d+$/).getByRole('link', { name: 'SQL', exact: true })).toBeVisible();
  await expect(section(skills, page, /^Skills and competences \d+$/).getByRole('link', { name: 'manage musical staff', exact: true })).toBeVisible();
  await expect(occupations).toHaveAttribute('data-grouping', 'list');

  // The choice persists.
  await page.reload();
  await expect(page.getByLabel('By skill type')).toBeChecked();

  // Back to the flat list: the same entries as before grouping.
  await page.getByLabel('List', { exact: true }).check();
  await waitDenseReady(page);
  await pasteText(context, page, AD);
  await waitFinal(page);
  await expect(skills).toHaveAttribute('data-grouping', 'list');
  await expect(skills.locator('.result-group')).toHaveCount(0);
  await expect(skills.getByRole('listitem')).toHaveCount(flatCount);
  await expect(skills.locator('li.result', { has: page.getByRole('link', { name: 'manage staff', exact: true }) })).toHaveCount(1);
});
