// `npm run dev:test`: the dev server with the generated TEST models, for working without internet
// or model downloads: prepares the assets, starts the local model host on :4174 and runs Vite in
// the `testmodels` mode (.env.testmodels). The production default (`npm run dev`) uses bge-m3.
import { spawn } from 'node:child_process';
import { prepareAssets } from './prepare-assets.ts';
import { TEST_MODELS_DIR } from './precompute.ts';
import { startModelHost } from './serve-models.ts';

await prepareAssets({ testModels: true });
const host = await startModelHost({ dir: TEST_MODELS_DIR, port: 4174 });
console.log(`model host (TEST models) at ${host.url}`);
const vite = spawn('npx', ['vite', '--mode', 'testmodels', ...process.argv.slice(2)], { stdio: 'inherit' });
const stop = () => {
  vite.kill();
  void host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
vite.on('exit', (code) => void host.close().then(() => process.exit(code ?? 0)));
