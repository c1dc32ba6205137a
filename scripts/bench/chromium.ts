// Launches the system Chromium for the benchmarks with exactly the project's flags (scripts/browser.ts),
// so the figures describe the browser the e2e suite tests.
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, requireChromium } from '../browser.ts';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_ARGS });
}
