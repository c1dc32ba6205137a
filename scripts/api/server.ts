// The local HTTP service (`npm run serve:api`): POST /extract, /embed, /rerank, GET /health and
// /openapi.json over the same core, runtime and models as the extract CLI (scripts/extract/context.ts
// buildAnalyser: taxonomy asset, lexical index, shipped int8 concept matrices, onnxruntime-node
// through transformers.js, label matching in the text's language). Built on fastify: its Ajv
// validation of the JSON bodies, the OpenAPI document generated from the same schemas
// (@fastify/swagger), body limits, and a close() that lets requests in flight finish.
// Texts are never logged: a request line says method, route, status, bytes and milliseconds.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { buildExport, type ExportedResult } from '../../src/app/exportResults.ts';
import { appConfig } from '../../src/core/appConfig.ts';
import { findPreset, type Dtype } from '../../src/core/models.ts';
import type { ExtractOptions } from '../../src/core/pipeline.ts';
import type { ConceptKind } from '../../src/core/taxonomy.ts';
import { applyThresholds, thresholdContext, type ThresholdSettings } from '../../src/core/thresholds.ts';
import { buildAnalyser, defaultQueryDtype, loadTaxonomyAndLexical, type Analyser } from '../extract/context.ts';
import { InferenceQueue, QueueFullError } from './queue.ts';
import { EMBED_BODY, EMBED_RESPONSE, ERROR, EXTRACT_BODY, EXTRACT_RESPONSE, HEALTH_RESPONSE, RERANK_BODY, RERANK_RESPONSE } from './schemas.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes texts: it needs the API key when one is set. */
    auth?: boolean;
  }
}

export const API_KEY_ENV = 'ESCO_API_KEY';

export interface ApiOptions {
  /** A preset (bge-small-en, minilm, bge-m3, test, ...) or none (label matching only). */
  model: string;
  host?: string;
  /** 0: an ephemeral port. */
  port?: number;
  /** Required when `host` is not loopback. */
  apiKey?: string;
  /** Model folder in hub layout / hub-layout host / query dtype / use the reranker (as the extract CLI). */
  local?: string;
  modelHost?: string;
  dtype?: Dtype;
  rerank?: boolean;
  /** Requests that may wait behind the running one (default 64); more answer 503. */
  queueLimit?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Longest text (characters) for /extract, and for each text of /embed and /rerank (default 100,000). */
  maxTextChars?: number;
  /** Most texts per /embed call and documents per /rerank call (default 64). */
  maxBatch?: number;
  /** One line per request and lifecycle message (default: stderr); never a text. */
  log?: (line: string) => void;
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  host: string;
  port: number;
  /** Resolves once the models are loaded (rejects when loading failed). */
  ready: Promise<void>;
  /** Stops accepting requests, finishes those in flight, frees the models. */
  close: () => Promise<void>;
}

export class ApiConfigError extends Error {
  override name = 'ApiConfigError';
}

export const DEFAULT_LIMITS = { queueLimit: 64, maxBodyBytes: 1 << 20, maxTextChars: 100_000, maxBatch: 64 };

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

type ErrorCode = (typeof ERROR.properties.code.enum)[number];

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function send(reply: FastifyReply, e: HttpError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.code(e.statusCode).send({ statusCode: e.statusCode, error: REASONS[e.statusCode] ?? 'Error', code: e.code, message: e.message });
}

/** Ajv errors as one sentence that names the field and what is wrong with it. */
function validationMessage(errors: readonly { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }[]): string {
  return errors
    .map((e) => {
      const path = e.instancePath ? e.instancePath.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') : 'body';
      if (e.keyword === 'additionalProperties') return `${path === 'body' ? 'the body' : path} has an unknown property "${String(e.params.additionalProperty)}"`;
      if (e.keyword === 'required') return `${path === 'body' ? 'the body' : path} lacks the required property "${String(e.params.missingProperty)}"`;
      if (e.keyword === 'enum') return `${path} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      if (e.keyword === 'type' && path === 'body') return 'the body must be a JSON object';
      return `${path} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}

function tooLarge(what: string): HttpError {
  return new HttpError(413, 'too_large', what);
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export async function startApi(o: ApiOptions): Promise<RunningApi> {
  const host = o.host ?? '127.0.0.1';
  const log = o.log ?? ((l: string) => console.error(l));
  const apiKey = o.apiKey || undefined;
  if (!isLoopback(host) && !apiKey) {
    throw new ApiConfigError(`binding to ${host} (not loopback) needs an API key: pass --api-key KEY or set ${API_KEY_ENV}`);
  }
  const limits = {
    queueLimit: o.queueLimit ?? DEFAULT_LIMITS.queueLimit,
    maxBodyBytes: o.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes,
    maxTextChars: o.maxTextChars ?? DEFAULT_LIMITS.maxTextChars,
    maxBatch: o.maxBatch ?? DEFAULT_LIMITS.maxBatch,
  };
  const model = o.model;
  if (model !== 'none') {
    try {
      defaultQueryDtype(model);
    } catch (e) {
      throw new ApiConfigError((e as Error).message);
    }
  }
  const { taxonomy } = loadTaxonomyAndLexical();
  const config = appConfig(model);
  const queue = new InferenceQueue(limits.queueLimit);
  const startedAt = performance.now();
  let status: 'loading' | 'ready' | 'failed' | 'shutting_down' = 'loading';
  let loadError: string | undefined;
  let analyser: Analyser | undefined;
  const keyDigest = apiKey ? createHash('sha256').update(apiKey).digest() : undefined;

  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    // JSON types are not coerced ("1" is not a number) and unknown properties are refused, not dropped
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, useDefaults: false } },
    return503OnClosing: true,
  });

  // Every body is read as JSON whatever its Content-Type says (curl -d sends form-urlencoded).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const s = String(body);
    if (!s.trim()) return done(new HttpError(400, 'invalid_json', 'the request body is empty: send a JSON object'), undefined);
    try {
      done(null, JSON.parse(s));
    } catch (e) {
      // the parser's message quotes the body: say where, not what
      const at = /position (\d+)/.exec((e as Error).message)?.[1];
      done(new HttpError(400, 'invalid_json', `the request body is not valid JSON${at ? ` (at character ${at})` : ''}`), undefined);
    }
  });

  app.setSchemaErrorFormatter((errors) => new HttpError(400, 'invalid_request', validationMessage(errors as never)));

  app.setErrorHandler((error: FastifyError | HttpError, _request, reply) => {
    if (error instanceof HttpError) return send(reply, error);
    if (error instanceof QueueFullError) return send(reply, new HttpError(503, 'queue_full', error.message, { 'retry-after': String(error.retryAfterSeconds) }));
    const code = (error as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, tooLarge(`the request body is larger than ${limits.maxBodyBytes} bytes`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
    if ((error as FastifyError).validation) return send(reply, new HttpError(400, 'invalid_request', error.message));
    const sc = (error as FastifyError).statusCode;
    if (sc && sc >= 400 && sc < 500) return send(reply, new HttpError(sc, 'invalid_request', error.message));
    // a bug or a model failure: logged by name and message (never a text), answered without a stack
    log(`error: ${error.name}: ${error.message}`);
    return send(reply, new HttpError(500, 'internal', 'internal error; the service log has the details'));
  });

  app.setNotFoundHandler((request, reply) => {
    send(reply, new HttpError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; the routes are POST /extract, POST /embed, POST /rerank, GET /health, GET /openapi.json`));
  });

  // The key guards the routes that take texts; /health and /openapi.json stay open for probes.
  app.addHook('onRequest', async (request) => {
    if (!keyDigest || !request.routeOptions.config?.auth) return;
    const header = request.headers.authorization;
    const given = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : (request.headers['x-api-key'] as string | undefined);
    const ok = typeof given === 'string' && timingSafeEqual(createHash('sha256').update(given).digest(), keyDigest);
    if (!ok) throw new HttpError(401, 'unauthorized', given ? 'the API key is wrong' : 'this service needs an API key: send "Authorization: Bearer KEY" (or "X-API-Key: KEY")', { 'www-authenticate': 'Bearer' });
  });

  // a response sent while shutting down closes its connection, so close() does not wait out keep-alive
  app.addHook('onSend', async (_request, reply) => {
    if (status === 'shutting_down') reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unknown route)';
    log(`${request.method} ${route} ${reply.statusCode} ${reply.getHeader('content-length') ?? '-'} B ${reply.elapsedTime.toFixed(0)} ms`);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ESCO Skill Finder API',
        version: '1',
        description:
          'ESCO skills and occupations in a text, embeddings and reranker scores, from the same pipeline and models as the ESCO Skill Finder app and its extract CLI. ' +
          `Limits: ${limits.maxBodyBytes} bytes per body, ${limits.maxTextChars} characters per text, ${limits.maxBatch} texts per /embed or documents per /rerank (413 beyond); ` +
          `${limits.queueLimit} requests may wait for the one inference queue (503 with Retry-After beyond).`,
      },
      ...(keyDigest ? { security: [{ bearer: [] }] } : {}),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `The API key (--api-key or ${API_KEY_ENV}); X-API-Key: KEY works too` } } },
    },
    // Response schemas are documentation only: responses are serialised with JSON.stringify, so no field is dropped.
    transform: ({ schema, url }) => {
      const extra = RESPONSES[url];
      return { schema: (extra ? { ...schema, response: extra } : schema) as typeof schema, url };
    },
  });

  const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { description: REASONS[c], ...ERROR }]));
  const RESPONSES: Record<string, Record<string | number, unknown>> = {
    '/extract': { 200: { description: 'The results', ...EXTRACT_RESPONSE }, ...errorResponses(400, 401, 413, 503) },
    '/embed': { 200: { description: 'The embeddings', ...EMBED_RESPONSE }, ...errorResponses(400, 401, 413, 503) },
    '/rerank': { 200: { description: 'Documents by score', ...RERANK_RESPONSE }, ...errorResponses(400, 401, 413, 503) },
    '/health': { 200: { description: 'Ready', ...HEALTH_RESPONSE }, 503: { description: 'Loading, failed or shutting down', ...HEALTH_RESPONSE } },
  };

  const requireReady = (): Analyser => {
    if (status === 'ready' && analyser) return analyser;
    if (status === 'loading') throw new HttpError(503, 'not_ready', 'the models are still loading; GET /health says when they are ready', { 'retry-after': '5' });
    if (status === 'shutting_down') throw new HttpError(503, 'shutting_down', 'the service is shutting down');
    throw new HttpError(503, 'not_ready', `the models failed to load: ${loadError ?? 'unknown error'}`);
  };
  const checkText = (t: string, what: string) => {
    if (t.length > limits.maxTextChars) throw tooLarge(`${what} has ${t.length} characters; the limit is ${limits.maxTextChars}`);
  };

  const health = () => {
    const a = analyser;
    return {
      status,
      preset: model,
      models: {
        embedder: a?.embedderSpec ? { id: a.embedderSpec.id, dtype: a.dtype, dimensions: a.embedderSpec.dims, pooling: a.embedderSpec.pooling } : null,
        reranker: a?.rerankerSpec ? { id: a.rerankerSpec.id, dtype: a.reranker?.dtype } : null,
      },
      modelHash: a?.modelHash ?? null,
      escoVersion: taxonomy.escoVersion,
      uptimeSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
      queue: { running: queue.active, waiting: queue.waiting, limit: limits.queueLimit },
      limits: { maxBodyBytes: limits.maxBodyBytes, maxTextChars: limits.maxTextChars, maxBatch: limits.maxBatch },
      auth: Boolean(keyDigest),
      ...(loadError ? { error: loadError } : {}),
    };
  };

  app.get('/health', { schema: { summary: 'Status, models loaded, model hash, uptime (503 until ready)' } }, async (_req, reply) => {
    reply.code(status === 'ready' ? 200 : 503);
    return health();
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  interface ExtractBody {
    text: string;
    kind?: ConceptKind[];
    language?: string;
    thresholds?: Partial<ThresholdSettings>;
    ranked?: boolean;
    analyseAllSections?: boolean;
  }
  app.post<{ Body: ExtractBody }>(
    '/extract',
    { schema: { summary: 'ESCO skills and occupations in a text, as the app shows them', body: EXTRACT_BODY }, config: { auth: true } },
    async (request: FastifyRequest<{ Body: ExtractBody }>) => {
      const a = requireReady();
      const body = request.body;
      checkText(body.text, 'text');
      const kinds = body.kind ?? ['skill', 'occupation'];
      const settings: ThresholdSettings = { ...config.thresholds, ...body.thresholds };
      const options: Partial<ExtractOptions> = {
        ...(body.analyseAllSections ? { analyseAllSections: true } : {}),
        // the reranker's shortlist scores first what lies nearest to this request's cuts (as the app and the CLI)
        rerankFocus: { skill: settings.skillThreshold, occupation: settings.occupationThreshold },
      };
      const queued = performance.now();
      let started = 0;
      const analysed = await queue.run(() => {
        started = performance.now();
        return a.analyseText(body.text, { language: body.language, options });
      });
      const done = performance.now();
      const { result, language } = analysed;
      const ctx = thresholdContext(taxonomy);
      const cut = applyThresholds(result.candidates, settings, ctx);
      // Ranked: every candidate on its own row (no folding); a folded variant is shown as its entry is.
      const ranked = body.ranked
        ? applyThresholds(result.candidates, { ...settings, skillThreshold: -Infinity, occupationThreshold: -Infinity, maxSkills: Infinity, maxOccupations: Infinity }, { isIscoGroup: ctx.isIscoGroup })
        : cut;
      const doc = buildExport({
        taxonomy,
        text: body.text,
        skills: kinds.includes('skill') ? ranked.skills : [],
        occupations: kinds.includes('occupation') ? ranked.occupations : [],
        stage: result.stage,
        thresholds: settings,
        modelHash: a.modelHash,
        models: { embedder: a.embedderSpec?.id ?? null, reranker: a.rerankerSpec?.id ?? null },
        exportedAt: new Date().toISOString(),
        labels: language.labels ?? null,
        textLanguage: language.plan.language,
      });
      if (body.ranked) {
        const shown = new Set([...cut.skills, ...cut.occupations].flatMap((s) => [s, ...(s.variants ?? [])]).map((s) => s.candidate));
        const mark = (list: ExportedResult[], from: typeof ranked.skills) => list.map((r, i) => ({ ...r, shown: shown.has(from[i].candidate) }));
        doc.skills = mark(doc.skills, ranked.skills);
        doc.occupations = mark(doc.occupations, ranked.occupations);
      }
      return {
        ...doc,
        detectedLanguage: language.plan.detected,
        matchLanguage: language.mentions ? language.plan.matchLanguage : null,
        kinds,
        ranked: Boolean(body.ranked),
        totals: cut.totals,
        skippedSections: result.skippedSections.map((s) => ({ start: s.start, end: s.end, reason: s.reason, label: s.label, analysed: s.analysed })),
        notices: [...language.notices, ...result.notices],
        timings: { queueMs: round(started - queued), extractMs: round(done - started) },
      };
    },
  );

  app.post<{ Body: { texts: string[]; role?: 'query' | 'passage' } }>(
    '/embed',
    { schema: { summary: "Embeddings of texts with the preset's embedder", body: EMBED_BODY }, config: { auth: true } },
    async (request) => {
      const a = requireReady();
      const { texts, role = 'query' } = request.body;
      if (!a.embedder || !a.embedderSpec || !a.queryEmbedder) throw new HttpError(400, 'no_embedder', 'this service runs label matching only (--model none): there is no embedder');
      if (texts.length > limits.maxBatch) throw tooLarge(`texts has ${texts.length} items; the limit is ${limits.maxBatch}`);
      texts.forEach((t, i) => checkText(t, `texts[${i}]`));
      const spec = a.embedderSpec;
      const prefix = (spec as { passagePrefix?: string }).passagePrefix ?? '';
      const embedder = role === 'query' ? a.queryEmbedder : { embed: (ts: string[]) => a.embedder!.embed(ts.map((t) => prefix + t)) };
      const flat = await queue.run(() => embedder.embed(texts));
      const d = spec.dims;
      const embeddings: number[][] = [];
      for (let i = 0; i < texts.length; i++) embeddings.push(Array.from(flat.subarray(i * d, (i + 1) * d)));
      return { embeddings, dimensions: d, role, model: { preset: model, id: spec.id, dtype: a.dtype, dimensions: d, pooling: spec.pooling } };
    },
  );

  app.post<{ Body: { query: string; documents: string[]; top_n?: number } }>(
    '/rerank',
    { schema: { summary: "Cross-encoder scores of documents for a query (presets with a reranker: bge-m3, test)", body: RERANK_BODY }, config: { auth: true } },
    async (request) => {
      const a = requireReady();
      const { query, documents, top_n } = request.body;
      if (!a.reranker || !a.rerankerSpec) {
        const off = model !== 'none' && findPreset(model).reranker;
        throw new HttpError(
          400,
          'no_reranker',
          off
            ? `the reranker of the preset "${model}" is off (--rerank off)`
            : `the preset "${model}" has no reranker; start the service with a preset that has one (bge-m3, or test for the generated test models)`,
        );
      }
      if (documents.length > limits.maxBatch) throw tooLarge(`documents has ${documents.length} items; the limit is ${limits.maxBatch}`);
      checkText(query, 'query');
      documents.forEach((t, i) => checkText(t, `documents[${i}]`));
      const scores = await queue.run(() => a.reranker!.rerank(query, documents));
      const results = Array.from(scores, (score, index) => ({ index, score })).sort((x, y) => y.score - x.score || x.index - y.index);
      return { results: top_n ? results.slice(0, top_n) : results, model: { id: a.rerankerSpec.id, dtype: a.reranker.dtype } };
    },
  );

  await app.listen({ host, port: o.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (o.port ?? 8080);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log(`listening on ${url} (${keyDigest ? 'API key required on POST routes' : 'no API key: loopback only'}); loading ${model}...`);
  if (keyDigest && isLoopback(host)) log('an API key is set: POST routes need "Authorization: Bearer KEY"');
  if (!isLoopback(host)) log(`bound to ${host}, not loopback: every POST needs the API key ("Authorization: Bearer KEY" or "X-API-Key: KEY")`);

  const t0 = performance.now();
  const ready = (async () => {
    try {
      const a = await buildAnalyser({ model, local: o.local, host: o.modelHost, dtype: o.dtype ?? defaultQueryDtype(model), rerank: o.rerank ?? true }, config.extract);
      // one warm-up text: the first model call and the detector's import are paid before "ready"
      await a.analyseText('Warm-up: Java and SQL programming, team work.');
      analyser = a;
      if (status === 'loading') status = 'ready';
      log(`ready: ${a.describe}${a.modelHash ? `, model hash ${a.modelHash}` : ''}; loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      status = 'failed';
      loadError = e instanceof Error ? e.message : String(e);
      log(`loading failed: ${loadError}`);
      throw e;
    }
  })();
  ready.catch(() => undefined);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      status = 'shutting_down';
      await app.close();
      // the analyser's models are shared with any CLI run in this process (context.ts caches them): not disposed here
    })());

  return { app, url, host, port, ready, close };
}
