// The app's single engine client, wired to the store: status updates flow in, crashes and start
// failures become visible messages, and e2e builds count every worker call on window.__engineCalls.
import { EngineClient, errorText } from './engineClient.ts';
import { engineConfig, IS_E2E } from './config.ts';
import type { EngineConfig, EngineStatus } from '../../workers/engineApi.ts';
import { useAppStore } from './store.ts';

let client: EngineClient | null = null;

export function engine(): EngineClient | null {
  return client;
}

export function startEngine(): EngineClient {
  if (client) return client;
  if (IS_E2E) {
    window.__engineCalls = 0;
    window.__engineCallLog = [];
  }
  client = new EngineClient(currentConfig(), {
    onStatus: (status) => {
      useAppStore.setState({ status });
      rememberActiveCache(status);
    },
    onRestart: (reason) => {
      console.warn(`engine restarted after a crash: ${reason}`);
      useAppStore.setState((s) => ({
        engine: { restarts: s.engine.restarts + 1, error: null },
        // The dead worker's status no longer holds; the new worker reports its own.
        status: s.status ? { ...s.status, denseReady: false } : null,
      }));
    },
    onError: (message) => useAppStore.setState((s) => ({ engine: { ...s.engine, error: message } })),
    onCall: IS_E2E
      ? (name) => {
          window.__engineCalls = (window.__engineCalls ?? 0) + 1;
          window.__engineCallLog?.push(name);
        }
      : undefined,
  });
  if (IS_E2E) window.__engineCrash = () => client?.simulateCrash();
  void client.start();
  return client;
}

/** Restarts the worker with the config the current settings give (model host, backend choice). */
export function reconfigureEngine(): void {
  if (!client) return;
  useAppStore.setState((s) => ({ engine: { ...s.engine, error: null }, status: null }));
  void client.reconfigure(currentConfig()).catch((e: unknown) => {
    useAppStore.setState((s) => ({ engine: { ...s.engine, error: errorText(e) } }));
  });
}

/**
 * The engine config of the current settings, plus `?backend=webgpu`: WebGPU even on a software
 * adapter (SwiftShader), which the device policy refuses by default; the WebGPU e2e tests use it.
 * Read on every (re)start, so "Try WebGPU again" keeps it.
 */
function currentConfig(): EngineConfig {
  const forceWebGpu = new URLSearchParams(globalThis.location?.search ?? '').get('backend') === 'webgpu';
  return { ...engineConfig(useAppStore.getState().settings), ...(forceWebGpu ? { forceWebGpu } : {}) };
}

/** Records the active cache's hash so a later visit can tell an evicted cache from a first visit. */
function rememberActiveCache(status: EngineStatus): void {
  const hash = status.cache.state === 'ready' ? status.cache.hash : null;
  const { settings, setSettings } = useAppStore.getState();
  if (hash && !settings.knownCaches.includes(hash)) setSettings({ knownCaches: [...settings.knownCaches, hash].slice(-20) });
}

/** After WebGPU failed (device lost, inference error) the engine stays on WASM until the user asks to try again. */
export function retryWebGpu(): void {
  reconfigureEngine();
}
