// Tests of `npm run serve:api` (scripts/api/server.ts): the real service on loopback (ephemeral
// ports) with the real bge-small-en model and, for /rerank, the generated test preset (the only
// reranker on this machine). Every route, every bad input (invalid JSON, wrong types, unknown
// fields, sizes, batches, unknown routes), the API key, the bounded queue, graceful shutdown, and
// that concurrent /extract calls give what sequential ones give and what the core itself computes
// in the same run (no fixed fixtures: results change as extraction improves).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appConfig, OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import { parseSkillSpan } from '../src/core/evaluation.ts';
import { applyThresholds, thresholdContext } from '../src/core/thresholds.ts';
import { ApiConfigError, isLoopback, startApi, type RunningApi } from './api/server.ts';
import { ROOT } from './build-taxonomy.ts';
import { runExtract } from './extract.ts';
import { buildAnalyser, defaultQueryDtype, loadTaxonomyAndLexical } from './extract/context.ts';
import { parseServeArgs } from './serve-api.ts';

const SKILLSPAN_DEV = join(ROOT, '..', 'shared', 'eval', 'skillspan', 'dev.json');
const quiet = () => {};
let small: RunningApi;
let test: RunningApi;
const KEY = 'test-key-0123';
let postings: string[];

async function call(api: RunningApi, path: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; json: any; headers: Headers; text: string }> {
  const res = await fetch(`${api.url}${path}`, {
    method: body === undefined && !init.body ? 'GET' : 'POST',
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    ...init,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

/** The response without what differs between two identical requests. */
const stable = (r: any) => ({ ...r, exportedAt: undefined, timings: undefined });

beforeAll(async () => {
  postings = parseSkillSpan(readFileSync(SKILLSPAN_DEV, 'utf8'))
    .map((p) => p.text)
    .filter((t) => t.split(/\s+/).length > 120)
    .slice(0, 3);
  [small, test] = await Promise.all([
    startApi({ model: 'bge-small-en', port: 0, log: quiet }),
    startApi({ model: 'test', port: 0, apiKey: KEY, log: quiet }),
  ]);
  await Promise.all([small.ready, test.ready]);
});
afterAll(async () => {
  await Promise.all([small?.close(), test?.close()]);
});

describe('serve:api with bge-small-en', () => {
  it('GET /health says ready with the model, its hash and the uptime', async () => {
    const r = await call(small, '/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'ready', preset: 'bge-small-en', models: { embedder: { id: 'Xenova/bge-small-en-v1.5', dimensions: 384 }, reranker: null }, escoVersion: expect.any(String) });
    expect(r.json.modelHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.json.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('GET /openapi.json describes every route with its request and response schemas', async () => {
    const r = await call(small, '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toMatch(/^3\./);
    expect(Object.keys(r.json.paths).sort()).toEqual(['/embed', '/extract', '/health', '/rerank']);
    expect(r.json.paths['/extract'].post.requestBody.content['application/json'].schema.required).toEqual(['text']);
    expect(Object.keys(r.json.paths['/extract'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '503']));
    expect(r.json.paths['/rerank'].post.requestBody.content['application/json'].schema.properties.top_n.type).toBe('integer');
  });

  it('POST /extract gives what the core gives for the same text, concurrent calls what sequential calls give', async () => {
    const [a, b] = postings;
    const seqA = await call(small, '/extract', { text: a });
    const seqB = await call(small, '/extract', { text: b });
    const [conA, conB] = await Promise.all([call(small, '/extract', { text: a }), call(small, '/extract', { text: b })]);
    expect(seqA.status).toBe(200);
    expect(stable(conA.json)).toEqual(stable(seqA.json));
    expect(stable(conB.json)).toEqual(stable(seqB.json));

    // the core's own output in this run: the CLI's analyser and the app's threshold cut
    const config = appConfig('bge-small-en');
    const analyser = await buildAnalyser({ model: 'bge-small-en', dtype: defaultQueryDtype('bge-small-en'), rerank: true }, config.extract);
    const { taxonomy } = loadTaxonomyAndLexical();
    const th = config.thresholds;
    for (const [text, res] of [[a, seqA.json], [b, seqB.json]] as const) {
      const { result } = await analyser.analyseText(text, { options: { rerankFocus: { skill: th.skillThreshold, occupation: th.occupationThreshold } } });
      const cut = applyThresholds(result.candidates, th, thresholdContext(taxonomy));
      const round = (x: number) => Math.round(x * 1e4) / 1e4;
      // each entry, then the variants folded into it (listed with variantOf, as the app's exports do)
      const listed = cut.skills.flatMap((s) => [s, ...(s.variants ?? [])]);
      expect(res.skills.map((s: any) => [s.uri, s.score])).toEqual(listed.map((s) => [taxonomy.skills[s.candidate.index].uri, round(s.score)]));
      expect(res.occupations.map((s: any) => [s.uri, s.score])).toEqual(cut.occupations.map((s) => [taxonomy.occupations[s.candidate.index].uri, round(s.score)]));
      expect(res.skills.length).toBeGreaterThan(0);
    }
    const r = seqA.json;
    expect(r).toMatchObject({ modelHash: (await call(small, '/health')).json.modelHash, thresholds: th, textLanguage: 'en', displayLanguage: 'en', stage: 'embedding', kinds: ['skill', 'occupation'] });
    // evidence offsets point into the text; labels in English and in the display language
    for (const s of r.skills) {
      expect(s).toMatchObject({ kind: 'skill', uri: expect.stringMatching(/^http:\/\/data\.europa\.eu\/esco\/skill\//), label: expect.any(String), displayLabel: expect.any(String), skillType: expect.any(String) });
      for (const e of s.evidence) expect(a.slice(e.start, e.end)).toBe(e.text);
    }
  });

  it('POST /extract honours kind, thresholds and ranked', async () => {
    const text = postings[2];
    const only = await call(small, '/extract', { text, kind: ['occupation'], thresholds: { occupationThreshold: 0.5, maxOccupations: 3 } });
    expect(only.status).toBe(200);
    expect(only.json.skills).toEqual([]);
    expect(only.json.occupations.length).toBe(3);
    expect(only.json.thresholds).toMatchObject({ occupationThreshold: 0.5, maxOccupations: 3, skillThreshold: appConfig('bge-small-en').thresholds.skillThreshold });
    const ranked = await call(small, '/extract', { text, ranked: true });
    const shown = await call(small, '/extract', { text });
    expect(ranked.json.skills.length).toBe(ranked.json.totals.skill);
    // the same skills: the shown list puts a folded variant after its entry, the ranked list in score order
    expect(ranked.json.skills.filter((s: any) => s.shown).map((s: any) => s.uri).sort()).toEqual(shown.json.skills.map((s: any) => s.uri).sort());
    const scores = ranked.json.skills.map((s: any) => s.score);
    expect(scores).toEqual([...scores].sort((x: number, y: number) => y - x));
  });

  it("POST /extract matches and shows labels in the text's language (detected or given)", async () => {
    const de = 'Wir suchen eine Pflegefachkraft mit Erfahrung in der Wundversorgung. Sie haben Kenntnisse in Java und arbeiten gern im Team.';
    const r = await call(small, '/extract', { text: de });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ textLanguage: 'de', detectedLanguage: { language: 'de', reliable: true }, matchLanguage: 'de', displayLanguage: 'de' });
    const wound = r.json.skills.find((s: any) => s.evidence.some((e: any) => e.text === 'Wundversorgung'));
    expect(wound).toBeDefined();
    expect(wound.displayLanguage).toBe('de');
    expect(wound.displayLabel).not.toBe(wound.label);
    // the same text declared English: no German labels matched or shown
    const en = await call(small, '/extract', { text: de, language: 'en' });
    expect(en.json).toMatchObject({ textLanguage: 'en', matchLanguage: null, displayLanguage: 'en' });
    expect(en.json.skills.some((s: any) => s.evidence.some((e: any) => e.text === 'Wundversorgung' && e.signal === 'lexical'))).toBe(false);
  });

  it('POST /embed returns normalised embeddings per role', async () => {
    const r = await call(small, '/embed', { texts: ['Java programming', 'nursing care'], role: 'passage' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ dimensions: 384, role: 'passage', model: { id: 'Xenova/bge-small-en-v1.5', preset: 'bge-small-en' } });
    expect(r.json.embeddings).toHaveLength(2);
    for (const v of r.json.embeddings) {
      expect(v).toHaveLength(384);
      expect(Math.hypot(...v)).toBeCloseTo(1, 3);
    }
    // bge-small-en has no query instruction: both roles embed a text the same way (one text per
    // call: q8's dynamic quantisation makes a vector depend a little on the batch's padding)
    const q = await call(small, '/embed', { texts: ['Java programming'] });
    const p = await call(small, '/embed', { texts: ['Java programming'], role: 'passage' });
    expect(q.json.role).toBe('query');
    q.json.embeddings[0].forEach((x: number, i: number) => expect(x).toBeCloseTo(p.json.embeddings[0][i], 5));
  });

  it('POST /rerank answers a clear 400 where the preset has no reranker', async () => {
    const r = await call(small, '/rerank', { query: 'Java', documents: ['Java (computer programming)'] });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'no_reranker', message: expect.stringContaining('has no reranker') });
  });

  it('answers bad input with 400, 404 and 413 and a message, never a stack trace', async () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['/extract', '{"text": "unterminated', 400, /not valid JSON/],
      ['/extract', '', 400, /empty/],
      ['/extract', '[1, 2]', 400, /must be a JSON object/],
      ['/extract', {}, 400, /lacks the required property "text"/],
      ['/extract', { text: 42 }, 400, /text must be string/],
      ['/extract', { text: '' }, 400, /text must NOT have fewer than 1 characters/],
      ['/extract', { text: 'Java', kind: ['job'] }, 400, /kind\[0\] must be one of "skill", "occupation"/],
      ['/extract', { text: 'Java', kind: 'skill' }, 400, /kind must be array/],
      ['/extract', { text: 'Java', thresholds: { maxSkills: '3' } }, 400, /thresholds.maxSkills must be integer/],
      ['/extract', { text: 'Java', thresholds: { skillTreshold: 0.5 } }, 400, /thresholds has an unknown property "skillTreshold"/],
      ['/extract', { text: 'Java', ranked: 'yes' }, 400, /ranked must be boolean/],
      ['/extract', { text: 'Java', language: 'German' }, 400, /language must match pattern/],
      ['/extract', { text: 'Java', extra: 1 }, 400, /the body has an unknown property "extra"/],
      ['/extract', { text: 'x'.repeat(100_001) }, 413, /100001 characters; the limit is 100000/],
      ['/extract', { text: 'x'.repeat(1_100_000) }, 413, /larger than 1048576 bytes/],
      ['/embed', { texts: 'Java' }, 400, /texts must be array/],
      ['/embed', { texts: [] }, 400, /texts must NOT have fewer than 1 items/],
      ['/embed', { texts: ['a', 1] }, 400, /texts\[1\] must be string/],
      ['/embed', { texts: ['Java'], role: 'document' }, 400, /role must be one of "query", "passage"/],
      ['/embed', { texts: Array.from({ length: 65 }, () => 'Java') }, 413, /texts has 65 items; the limit is 64/],
      ['/rerank', { query: 'Java', documents: 'x' }, 400, /documents must be array/],
      ['/rerank', { query: 'Java', documents: ['x'], top_n: 0 }, 400, /top_n must be >= 1/],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await call(small, path, body);
      expect([path, body === '' ? '(empty)' : String(JSON.stringify(body)).slice(0, 80), r.status]).toEqual([path, body === '' ? '(empty)' : String(JSON.stringify(body)).slice(0, 80), status]);
      expect(r.json.message).toMatch(message);
      expect(r.json).toMatchObject({ statusCode: status, code: expect.any(String), error: expect.any(String) });
      expect(r.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    }
    for (const [method, path] of [['GET', '/nope'], ['POST', '/extract/'], ['GET', '/extract'], ['DELETE', '/health']]) {
      const r = await call(small, path, undefined, { method });
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ code: 'not_found', message: expect.stringContaining(`no route ${method} ${path}`) });
    }
    // the body is JSON whatever the Content-Type says (curl -d sends form-urlencoded)
    const form = await call(small, '/extract', undefined, { method: 'POST', body: JSON.stringify({ text: 'Java and SQL' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(200);
  });

  it('answers 503 with Retry-After when the queue is full, and loses no accepted request', async () => {
    // no request may wait: of three sent at once, the first runs and the others are refused
    const tight = await startApi({ model: 'bge-small-en', port: 0, queueLimit: 0, log: quiet });
    try {
      await tight.ready;
      const text = postings[0];
      const rs = await Promise.all(Array.from({ length: 3 }, () => call(tight, '/extract', { text })));
      const statuses = rs.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      const full = rs.find((r) => r.status === 503)!;
      expect(full.json).toMatchObject({ code: 'queue_full' });
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const ok = rs.filter((r) => r.status === 200).map((r) => stable(r.json));
      for (const r of ok) expect(r).toEqual(ok[0]);
      expect((await call(tight, '/health')).json.queue).toEqual({ running: 0, waiting: 0, limit: 0 });
    } finally {
      await tight.close();
    }
  });

  it('finishes the requests in flight on shutdown and then refuses connections', async () => {
    const api = await startApi({ model: 'bge-small-en', port: 0, log: quiet });
    await api.ready;
    const text = postings[0];
    const inFlight = call(api, '/extract', { text });
    // wait until the request is in the queue, then close
    for (let i = 0; i < 200 && (await call(api, '/health')).json.queue.running === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const closed = api.close();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.skills.length).toBeGreaterThan(0);
    await closed;
    await expect(fetch(`${api.url}/health`)).rejects.toThrow();
  });
});

describe('serve:api with the test preset and an API key', () => {
  it('POST /rerank scores documents with the generated reranker, best first, top_n', async () => {
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const documents = ['welding of steel', 'Java (computer programming)', 'Java programming language'];
    const r = await call(test, '/rerank', undefined, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'Java programming', documents }) });
    expect(r.status).toBe(200);
    expect(r.json.model.id).toMatch(/test/i);
    expect(r.json.results.map((x: any) => x.index).sort()).toEqual([0, 1, 2]);
    const scores = r.json.results.map((x: any) => x.score);
    expect(scores).toEqual([...scores].sort((x: number, y: number) => y - x));
    for (const s of scores) expect(s).toBeGreaterThanOrEqual(0), expect(s).toBeLessThanOrEqual(1);
    expect(r.json.results[r.json.results.length - 1].index).toBe(0);
    const top = await call(test, '/rerank', undefined, { method: 'POST', headers: auth, body: JSON.stringify({ query: 'Java programming', documents, top_n: 1 }) });
    expect(top.json.results).toEqual([r.json.results[0]]);
  });

  it('needs the key on POST routes (Bearer or X-API-Key); /health and /openapi.json stay open', async () => {
    const body = JSON.stringify({ text: 'Java programming and welding' });
    const none = await call(test, '/extract', undefined, { method: 'POST', body });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('needs an API key') });
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await call(test, '/embed', undefined, { method: 'POST', body: '{"texts":["x"]}', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toMatch(/wrong/);
    const bearer = await call(test, '/extract', undefined, { method: 'POST', body, headers: { authorization: `Bearer ${KEY}` } });
    expect(bearer.status).toBe(200);
    expect(bearer.json.skills.map((s: any) => s.label)).toContain('Java (computer programming)');
    const header = await call(test, '/embed', undefined, { method: 'POST', body: '{"texts":["Java"]}', headers: { 'x-api-key': KEY } });
    expect(header.status).toBe(200);
    expect((await call(test, '/health')).json).toMatchObject({ status: 'ready', auth: true, models: { reranker: { id: expect.any(String) } } });
    expect((await call(test, '/openapi.json')).status).toBe(200);
  });

  it('a model that cannot load: /health says failed and why, the routes answer 503', async () => {
    // bge-m3 has no precomputed concept matrices on this machine (they come from the hub)
    const api = await startApi({ model: 'bge-m3', port: 0, log: quiet });
    try {
      await expect(api.ready).rejects.toThrow();
      const h = await call(api, '/health');
      expect(h.status).toBe(503);
      expect(h.json).toMatchObject({ status: 'failed', error: expect.stringContaining('no precomputed concept embeddings') });
      const r = await call(api, '/extract', { text: 'Java' });
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ code: 'not_ready', message: expect.stringContaining('failed to load') });
    } finally {
      await api.close();
    }
  });

  it('refuses to bind beyond loopback without a key, and says so', async () => {
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('[::1]')).toBe(true);
    expect(isLoopback('0.0.0.0') || isLoopback('::') || isLoopback('192.168.1.5') || isLoopback('example.org')).toBe(false);
    await expect(startApi({ model: 'none', host: '0.0.0.0', port: 0, log: quiet })).rejects.toThrow(ApiConfigError);
    await expect(startApi({ model: 'none', host: '0.0.0.0', port: 0, log: quiet })).rejects.toThrow(/needs an API key: pass --api-key KEY or set ESCO_API_KEY/);
    expect(parseServeArgs(['--host', '0.0.0.0'], { ESCO_API_KEY: 'k' })).toMatchObject({ host: '0.0.0.0', apiKey: 'k', port: 8080, model: OFFLINE_DEFAULT_PRESET });
    expect(() => parseServeArgs(['--port', 'x'], {})).toThrow(/--port/);
  });
});

describe('the extract CLI shares the label matching', () => {
  it("matches the labels of each document's language, or of the language given", async () => {
    const de = 'Wir suchen eine Pflegefachkraft mit Erfahrung in der Wundversorgung. Sie arbeiten gern im Team und sind zuverlässig.';
    const lexical = (r: Awaited<ReturnType<Awaited<ReturnType<typeof buildAnalyser>>['analyse']>>) =>
      r.candidates.filter((c) => c.evidence.some((e) => e.signal === 'lexical' && de.slice(e.start, e.end) === 'Wundversorgung'));
    const auto = await buildAnalyser({ model: 'none' });
    expect(lexical(await auto.analyse(de)).length).toBeGreaterThan(0);
    const english = await buildAnalyser({ model: 'none', language: 'en' });
    expect(lexical(await english.analyse(de))).toEqual([]);
    await expect(runExtract(['--input', 'x.csv', '--output', join(ROOT, 'x.jsonl'), '--language', 'German'], { log: quiet })).rejects.toThrow(/--language takes auto or a language code/);
  });
});

describe('serve:api as a process', () => {
  /** The CLI as a child process (node with tsx's loader). */
  function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'serve-api.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ESCO_API_KEY: '', ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    return { child, exit, stderr: () => stderr };
  }

  it('exits 2 with the reason on a non-loopback bind without a key', async () => {
    const p = spawnServe(['--host', '0.0.0.0', '--model', 'none']);
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 30_000);
    expect(await p.exit).toBe(2);
    clearTimeout(timer);
    expect(p.stderr()).toMatch(/binding to 0\.0\.0\.0 \(not loopback\) needs an API key/);
  });

  it('starts, says ready, never logs texts, and exits 0 on SIGTERM', async () => {
    const p = spawnServe(['--model', 'none', '--port', '0']);
    try {
      const deadline = Date.now() + 45_000;
      while (!/ready:/.test(p.stderr()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const url = /listening on (http:\/\/\S+)/.exec(p.stderr())?.[1];
      expect(url).toBeDefined();
      const secret = 'Confidential applicant Zyxwvut knows SQL and Java programming';
      const r = await fetch(`${url}/extract`, { method: 'POST', body: JSON.stringify({ text: secret }) });
      expect(r.status).toBe(200);
      expect((await r.json()).skills.length).toBeGreaterThan(0);
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
      expect(p.stderr()).toMatch(/POST \/extract 200/);
      expect(p.stderr()).not.toMatch(/Zyxwvut|Confidential/);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, 60_000);
});
