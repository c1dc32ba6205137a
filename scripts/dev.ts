// `npm run dev` (and `npm run dev:test`): prepares the generated assets and starts Vite.
// - With the Hugging Face hub reachable nothing changes: the app loads bge-m3 from the hub.
// - Without it (offline machines, closed networks) the offline default preset (appConfig.ts) is
//   provisioned locally once (scripts/fetch-models.ts; later runs reuse it), served by the local
//   model host, and the app opens with it, saying in one line why it is not bge-m3.
// - `--test-models` (npm run dev:test): the generated TEST models from the local model host.
// - `--offline`: behave as if the hub were unreachable.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import { findPreset } from '../src/core/models.ts';
import { hubReachable, MODELS_DIR } from './fetch-models.ts';
import { prepareAssets } from './prepare-assets.ts';
import { startModelHost } from './serve-models.ts';

const MODEL_HOST_PORT = 4174;
const OFFLINE_PRESET = OFFLINE_DEFAULT_PRESET;

const OWN_FLAGS = ['--test-models', '--offline'];
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => OWN_FLAGS.includes(a)),
  options: { 'test-models': { type: 'boolean', default: false }, offline: { type: 'boolean', default: false } },
});
/** Everything else goes to Vite (e.g. `npm run dev -- --port 5180`). */
const viteArgs = process.argv.slice(2).filter((a) => !OWN_FLAGS.includes(a));

async function main(): Promise<void> {
  if (values['test-models']) {
    await prepareAssets({ testModels: true });
    await runVite(['--mode', 'testmodels'], {}, true);
    return;
  }
  await prepareAssets();
  if (!values.offline && (await hubReachable())) {
    await runVite([], {}, false);
    return;
  }
  console.log(`The Hugging Face hub does not answer: preparing ${OFFLINE_PRESET} locally (once; later runs reuse it) ...`);
  await prepareAssets({ realModels: [OFFLINE_PRESET] });
  const spec = findPreset(OFFLINE_PRESET).embedder;
  const notice =
    `Running ${spec.displayName} from the local model host because the Hugging Face hub is unreachable. ` +
    'For bge-m3 and its reranker (best quality), connect to the internet or set a model host that has them (Model and cache panel).';
  console.log(notice);
  await runVite([], { VITE_MODEL_PRESET: OFFLINE_PRESET, VITE_MODEL_HOST: `http://localhost:${MODEL_HOST_PORT}/`, VITE_MODEL_NOTICE: notice }, true);
}

/** Starts Vite (and, when asked, the local model host on :4174); stops both together. */
async function runVite(modeArgs: string[], env: Record<string, string>, withModelHost: boolean): Promise<void> {
  const host = withModelHost ? await startModelHost({ dir: MODELS_DIR, port: MODEL_HOST_PORT }) : null;
  if (host) console.log(`model host serving ${MODELS_DIR} at ${host.url}`);
  const vite = spawn('npx', ['vite', ...modeArgs, ...viteArgs], { stdio: 'inherit', env: { ...process.env, ...env } });
  const stop = (code: number) => void (host ? host.close() : Promise.resolve()).then(() => process.exit(code));
  process.on('SIGINT', () => {
    vite.kill();
    stop(0);
  });
  process.on('SIGTERM', () => {
    vite.kill();
    stop(0);
  });
  vite.on('exit', (code) => stop(code ?? 0));
}

main().catch((e) => {
  console.error(`dev failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
