// `npm test`: provisions what the tests need (Chromium check, generated assets), then runs the unit
// tests (vitest) and the e2e tests (Playwright against a production build). Stops at the first failure.
import { spawnSync } from 'node:child_process';
import { requireChromium } from './browser.ts';

function run(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

try {
  requireChromium();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
run('prepare assets', 'npx', ['tsx', 'scripts/prepare-assets.ts', '--test-models']);
run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('unit tests', 'npx', ['vitest', 'run']);
run('e2e build', 'npx', ['vite', 'build', '--mode', 'e2e', '--outDir', 'dist-e2e']);
run('e2e tests', 'npx', ['playwright', 'test']);
console.log('\nall tests passed');
