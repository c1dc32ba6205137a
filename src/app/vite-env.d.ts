// Ambient types for the app: Vite's client types, the PWA virtual modules, the build-time env
// variables the app reads, and the test hooks exposed on window in e2e builds.
/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />

interface ImportMetaEnv {
  /** Default model preset id (src/core/models.ts PRESETS); 'test' in the e2e build. The user can pick another. */
  readonly VITE_MODEL_PRESET?: string;
  /** Default model host (hub URL layout); the user can override it in the model panel. */
  readonly VITE_MODEL_HOST?: string;
  /** One line shown at start-up when the default preset is not bge-m3 (set by `npm run dev` without the hub). */
  readonly VITE_MODEL_NOTICE?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

interface Window {
  /** e2e builds only: number of calls made to the engine worker. */
  __engineCalls?: number;
  /** e2e builds only: names of the calls, in order (for debugging failed assertions). */
  __engineCallLog?: string[];
  /** e2e builds only: kills the engine worker as a crash would (tests the restart path). */
  __engineCrash?: () => void;
  /** e2e builds only: performance.now() marks of the latest input and when its results rendered. */
  __perf?: import('./perfMarks.ts').PerfMarks;
}
