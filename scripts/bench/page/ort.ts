// Loads onnxruntime-web in a bench worker the way the app's engine worker ends up with it: the
// onnxruntime-web/webgpu build (the one transformers.js imports) with the asyncify WASM files,
// served from node_modules by the bench server (never a CDN), threads set before the first session.
export type Ort = typeof import('onnxruntime-web');

import type { OrtUrls } from './protocol.ts';

let loaded: Promise<Ort> | undefined;

export function loadOrt(urls: OrtUrls, numThreads: number): Promise<Ort> {
  loaded ??= (async () => {
    // A runtime URL, not a bare specifier: Vite must not bundle or rewrite the ORT build.
    const ort = (await import(/* @vite-ignore */ urls.module)) as Ort;
    ort.env.wasm.wasmPaths = { wasm: urls.wasm, mjs: urls.mjs };
    ort.env.wasm.numThreads = numThreads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort;
  })();
  return loaded;
}
