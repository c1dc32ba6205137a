// Files that only some visits need (onnxruntime-web's WebGPU or WASM-only binary, pdf.js, mammoth,
// language detection) are not precached: vite.config.ts emits them under assets/ondemand/ and the
// service worker keeps each one in ON_DEMAND_CACHE the first time it goes through it. On a first
// visit the page and the engine worker fetch some of them before the service worker controls them
// (it installs meanwhile), so those responses never reach it: keepForOffline() stores them in the
// same cache itself, so "offline after one visit" holds for what that visit used. No DOM, no React:
// the page and the engine worker both call it. Imported by vite.config.ts for the two names.

/** The Cache Storage cache the service worker's on-demand route reads and writes. */
export const ON_DEMAND_CACHE = 'esco-on-demand';
/** The folder under assets/ that holds the on-demand files. */
export const ON_DEMAND_DIR = 'ondemand';

/** URLs this context has already found or stored: later calls (after every extraction) cost nothing for them. */
const checked = new Set<string>();

/** "ort-wasm-simd-threaded" of ".../assets/ondemand/ort-wasm-simd-threaded-4byDm7i3.wasm": one file across versions. */
function stem(url: string): string {
  const name = new URL(url).pathname.split('/').pop() ?? '';
  return name.replace(/-[\w-]{8}(\.[a-z]+)$/i, '$1');
}

/**
 * Stores each on-demand URL not yet in Cache Storage in ON_DEMAND_CACHE (normally an HTTP-cache
 * hit or revalidation: the caller has just fetched it), dropping older versions of the same file
 * (another content hash), which the service worker's route would otherwise keep forever. Does
 * nothing where there is no Cache Storage or the URL is not an on-demand file; never throws:
 * a failure only means the file is fetched again on its next use.
 */
export async function keepForOffline(urls: readonly string[]): Promise<string[]> {
  const kept: string[] = [];
  if (typeof caches === 'undefined') return kept;
  try {
    const cache = await caches.open(ON_DEMAND_CACHE);
    for (const url of urls) {
      if (checked.has(url) || !new URL(url).pathname.includes(`/assets/${ON_DEMAND_DIR}/`)) continue;
      checked.add(url);
      if (await caches.match(url)) continue;
      try {
        await cache.add(url);
        kept.push(url);
      } catch {
        checked.delete(url); // offline or gone: tried again on the next call
        continue;
      }
      for (const old of await cache.keys()) if (old.url !== url && stem(old.url) === stem(url)) await cache.delete(old);
    }
  } catch {
    // Cache Storage refused (quota, private mode): nothing is kept, nothing breaks.
  }
  return kept;
}

/**
 * Makes this context's own fetches of `urls` (the ONNX runtime's binary, which onnxruntime-web
 * fetches itself and compiles while it streams in) keep a copy in ON_DEMAND_CACHE when Cache
 * Storage has none yet: the network response is split in two, one branch to the caller, one to
 * the cache, so a first visit downloads the 14-27 MB binary once instead of once for the runtime
 * and again for offline use. A URL already in Cache Storage is fetched as before (on a returning
 * visit through the service worker, which serves it from that cache). Other requests are untouched.
 */
export function keepFetchedForOffline(urls: readonly string[]): void {
  if (typeof caches === 'undefined' || typeof fetch !== 'function') return;
  const wanted = new Set(urls);
  const base = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!wanted.has(url) || checked.has(url) || (await caches.match(url).catch(() => undefined))) return base(input, init);
    const res = await base(input, init);
    if (!res.ok || !res.body) return res;
    checked.add(url);
    const [mine, theirs] = res.body.tee();
    const head = { status: res.status, statusText: res.statusText, headers: res.headers };
    caches
      .open(ON_DEMAND_CACHE)
      .then((c) => c.put(url, new Response(mine, head)))
      .catch(() => checked.delete(url)); // not stored: keepForOffline() tries again later
    return new Response(theirs, head);
  };
}

/** The on-demand files this context (page or worker) has fetched so far, from its resource timing entries. */
export function usedOnDemandAssets(): string[] {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByType !== 'function') return [];
  const origin = globalThis.location?.origin;
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => u.startsWith(`${origin}/`) && u.includes(`/assets/${ON_DEMAND_DIR}/`));
}
