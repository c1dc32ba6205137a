// Vite config: React, ES-module workers, the cross-origin isolation headers that multi-threaded
// WASM (SharedArrayBuffer) needs on both the dev and the preview server, and the PWA: manifest,
// a generated service worker that precaches what every visit needs (the app shell, the taxonomy,
// the span taggers) and caches at run time, on first use, what only some devices or some uses need
// (onnxruntime-web's WebGPU or WASM-only binary, pdf.js, mammoth, language detection, label packs),
// so the app works offline after one visit without every visitor downloading all of it.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ON_DEMAND_CACHE, ON_DEMAND_DIR } from './src/app/onDemandAssets.ts';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const THEME_COLOR = '#1f4e79';

/**
 * Files that only some visits need are emitted under assets/ondemand/ (not precached): the two
 * onnxruntime-web binaries (a worker starts one: the WebGPU-capable asyncify build, 26.9 MB, or
 * the WASM-only build, 14.3 MB), pdf.js and its worker, mammoth (DOCX) and the language detector's
 * n-gram data (eld). Matched by module path / asset name, not by the chunk names Rollup happens to give.
 */
const ON_DEMAND_MODULES = /[\\/]node_modules[\\/](pdfjs-dist|mammoth|eld)[\\/]|[\\/]src[\\/]core[\\/]languageDetect\.ts$/;
const ON_DEMAND_ASSETS = /^(ort-wasm-simd-threaded.*\.(wasm|mjs)|pdf\.worker.*\.mjs)$/;
const output = {
  chunkFileNames: (chunk: { moduleIds: string[] }) => (chunk.moduleIds.some((id) => ON_DEMAND_MODULES.test(id)) ? `assets/${ON_DEMAND_DIR}/[name]-[hash].js` : 'assets/[name]-[hash].js'),
  assetFileNames: (asset: { names: string[] }) => (asset.names.some((n) => ON_DEMAND_ASSETS.test(n)) ? `assets/${ON_DEMAND_DIR}/[name]-[hash][extname]` : 'assets/[name]-[hash][extname]'),
};

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      // The app registers the worker itself (src/app/pwa.ts, virtual:pwa-register).
      injectRegister: false,
      // The glob patterns below already precache every icon; listing them again would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        name: 'ESCO Skill Finder',
        short_name: 'Skill Finder',
        description: 'Find ESCO skills and occupations in job ads and CVs, privately, in your browser.',
        theme_color: THEME_COLOR,
        background_color: '#f5f7fa',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        lang: 'en',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        // What every visit needs: the app shell, the taxonomy asset and the span taggers (about
        // 70 KB a preset; the plugin adds the web manifest itself). Not the on-demand files
        // (assets/ondemand/, cached on first use below) nor the embedding assets (IndexedDB).
        globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,ico}', 'taxonomy/taxonomy.json', 'taxonomy/build-info.json', 'taggers/*.json'],
        globIgnores: ['embeddings/**', 'label-vectors/**', `assets/${ON_DEMAND_DIR}/**`],
        // The taxonomy is 12.6 MB; the default limit (2 MiB) would fail the build.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/\/embeddings\//, /\/label-vectors\//, /\/taxonomy\//],
        cleanupOutdatedCaches: true,
        // The page is controlled from the first visit. Updates still wait for the user (no skipWaiting).
        clientsClaim: true,
        // No runtime caching of model files or embedding assets: transformers.js keeps model files in
        // its own Cache API store (read before the network, so it works offline) and the embeddings
        // live in IndexedDB. A second copy in the service worker would double 0.6-1.1 GB of models.
        // Label packs (taxonomy/labels-<lang>.json, 0.3-2.7 MB each) are not precached, so English
        // users never download them; one that was used is kept for offline use. The app asks for a
        // pack as labels-<lang>.json?v=<content hash> (from the index), so CacheFirst never serves
        // a stale pack after an update; the small index itself is network-first.
        // On-demand files (assets/ondemand/, content-hashed names, so CacheFirst never serves a
        // stale one) are kept once fetched through the service worker. A first visit fetches some
        // before the worker controls the page; src/app/onDemandAssets.ts stores those in the same
        // cache from the page and the engine worker, so they are offline too.
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.includes(`/assets/${ON_DEMAND_DIR}/`),
            handler: 'CacheFirst',
            // ignoreVary: the preview and dev servers answer with "Vary: Origin", and a module import
            // (onnxruntime-web's loader) sends an Origin header that the copy the page or the worker
            // stored (a plain fetch, no Origin) lacks; the file is the same either way.
            options: { cacheName: ON_DEMAND_CACHE, cacheableResponse: { statuses: [200] }, matchOptions: { ignoreVary: true } },
          },
          {
            urlPattern: ({ url }) => /\/taxonomy\/labels-index\.json$/.test(url.pathname),
            handler: 'NetworkFirst',
            options: { cacheName: 'esco-label-index', networkTimeoutSeconds: 5, cacheableResponse: { statuses: [200] } },
          },
          {
            // A language's skill label vectors (src/core/labelVectors.ts, about 5.7 MB for German),
            // fetched on the first text in that language: in a folder per model hash and asked for
            // with ?v=<label pack content hash>, so CacheFirst never serves a stale file.
            urlPattern: ({ url }) => /\/label-vectors\/[0-9a-f]+\/[a-z]{2,3}\.(json|bin)$/.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'esco-label-vectors', expiration: { maxEntries: 12 }, cacheableResponse: { statuses: [200] } },
          },
          {
            urlPattern: ({ url }) => /\/taxonomy\/labels-[a-z]{2,3}\.json$/.test(url.pathname),
            handler: 'CacheFirst',
            options: { cacheName: 'esco-label-packs', expiration: { maxEntries: 40 }, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es', rolldownOptions: { output } },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048, rolldownOptions: { output } },
});
