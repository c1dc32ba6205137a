import { expect, test } from '@playwright/test';

test('the app shell renders, is cross-origin isolated and credits ESCO', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'ESCO Skill Finder' })).toBeVisible();
  await expect(page.getByText('This service uses the ESCO classification of the European Commission.')).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});
