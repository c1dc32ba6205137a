// Vite config: React, ES-module workers, the cross-origin isolation headers that multi-threaded
// WASM (SharedArrayBuffer) needs on both the dev and the preview server, and the PWA: manifest,
// a generated service worker that precaches the app shell, the ORT WASM files and the taxonomy,
// and runtime-caches embedding assets and model files so the app works offline after one visit.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const THEME_COLOR = '#1f4e79';

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
        // The app shell, the ORT WASM runtime (emitted as assets by the worker's ?url imports) and
        // the taxonomy asset and the span taggers (about 70 KB a preset; the plugin adds the web
        // manifest itself). Embedding assets can be
        // large: they are cached at runtime instead.
        globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,ico}', 'taxonomy/taxonomy.json', 'taxonomy/build-info.json', 'taggers/*.json'],
        globIgnores: ['embeddings/**'],
        // The ORT wasm is 26.9 MB; the default limit (2 MiB) would fail the build.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/\/embeddings\//, /\/taxonomy\//],
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
        runtimeCaching: [
          {
            urlPattern: ({ url }) => /\/taxonomy\/labels-index\.json$/.test(url.pathname),
            handler: 'NetworkFirst',
            options: { cacheName: 'esco-label-index', networkTimeoutSeconds: 5, cacheableResponse: { statuses: [200] } },
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
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
