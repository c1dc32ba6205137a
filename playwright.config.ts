// Playwright runs the e2e specs in Debian's Chromium against the e2e production build (dist-e2e),
// served by `vite preview` with the cross-origin isolation headers.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/browser.ts';

export const PREVIEW_PORT = 4173;
/** The local model host serving the generated test models (must match VITE_MODEL_HOST in .env.e2e). */
export const MODEL_HOST_PORT = 4174;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PREVIEW_PORT}`,
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: `npx vite preview --outDir dist-e2e --port ${PREVIEW_PORT} --strictPort`,
      url: `http://localhost:${PREVIEW_PORT}`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `npx tsx scripts/serve-models.ts --dir .generated/models --port ${MODEL_HOST_PORT}`,
      url: `http://localhost:${MODEL_HOST_PORT}/esco-test/bag-of-tokens-embedder/resolve/main/config.json`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
