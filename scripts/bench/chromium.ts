// Launches the system Chromium for the benchmarks with the project's flags (scripts/browser.ts).
// --enable-blink-features=ForceEagerMeasureMemory makes performance.measureUserAgentSpecificMemory()
// answer at once instead of at the next garbage collection (up to ~20 s later), which the memory
// section relies on; it changes nothing else.
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, requireChromium } from '../browser.ts';

export const BENCH_CHROMIUM_ARGS = [...CHROMIUM_ARGS, '--enable-blink-features=ForceEagerMeasureMemory'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: requireChromium(), args: BENCH_CHROMIUM_ARGS });
}
