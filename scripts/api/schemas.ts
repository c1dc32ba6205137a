// The HTTP service's contract as JSON Schema: request bodies are validated with it (fastify's Ajv,
// no type coercion, unknown properties refused) and the OpenAPI document (/openapi.json) is generated
// from the same objects, responses included. Size and batch limits are not in the schemas: they are
// checked in the handlers so they answer 413, not 400.
import { EXPORT_FORMAT } from '../../src/app/exportResults.ts';

const LANGUAGE = { type: 'string', pattern: '^(auto|[a-z]{2,3})$', description: "ISO 639-1 code of the text's language, or auto (default): detected, as in the app" } as const;

export const THRESHOLDS = {
  type: 'object',
  additionalProperties: false,
  description: "Overrides of the preset's default thresholds (src/core/thresholds.ts); absent fields keep the defaults",
  properties: {
    skillThreshold: { type: 'number', minimum: -1, maximum: 2 },
    occupationThreshold: { type: 'number', minimum: -1, maximum: 2 },
    maxSkills: { type: 'integer', minimum: 0, maximum: 100000 },
    maxOccupations: { type: 'integer', minimum: 0, maximum: 100000 },
    scoreBasis: { type: 'string', enum: ['auto', 'retrieval', 'rerank'] },
    includeIscoGroups: { type: 'boolean' },
    fusion: { type: 'string', enum: ['max', 'confirm', 'dense'] },
    occupationFusion: { type: 'string', enum: ['max', 'confirm', 'dense'] },
    occupationBodyDiscount: { type: 'number', minimum: 0, maximum: 1 },
  },
} as const;

export const EXTRACT_BODY = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    text: { type: 'string', minLength: 1, description: 'The job ad or CV (plain text). Evidence offsets are UTF-16 code-unit offsets into it.' },
    kind: { type: 'array', items: { type: 'string', enum: ['skill', 'occupation'] }, minItems: 1, uniqueItems: true, description: 'Kinds to return (default both)' },
    language: LANGUAGE,
    thresholds: THRESHOLDS,
    ranked: { type: 'boolean', description: 'Every candidate of each kind, ranked, each with `shown` (passes the cut); default false: the shown results only' },
    analyseAllSections: { type: 'boolean', description: 'Also analyse company blurb, benefits, legal and how-to-apply sections (default false, as in the app)' },
  },
} as const;

export const EMBED_BODY = {
  type: 'object',
  required: ['texts'],
  additionalProperties: false,
  properties: {
    texts: { type: 'array', items: { type: 'string' }, minItems: 1 },
    role: { type: 'string', enum: ['query', 'passage'], description: "query (default): the preset's query instruction is prepended, as for segments of a text; passage: as concept texts are embedded" },
  },
} as const;

export const RERANK_BODY = {
  type: 'object',
  required: ['query', 'documents'],
  additionalProperties: false,
  properties: {
    query: { type: 'string', minLength: 1 },
    documents: { type: 'array', items: { type: 'string' }, minItems: 1 },
    top_n: { type: 'integer', minimum: 1, description: 'Return the best top_n documents (default all)' },
  },
} as const;

export const ERROR = {
  type: 'object',
  required: ['statusCode', 'error', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'HTTP reason phrase' },
    code: {
      type: 'string',
      enum: ['invalid_json', 'invalid_request', 'too_large', 'unsupported_media_type', 'not_found', 'unauthorized', 'queue_full', 'not_ready', 'shutting_down', 'no_embedder', 'no_reranker', 'internal'],
    },
    message: { type: 'string' },
  },
} as const;

const EVIDENCE = {
  type: 'object',
  properties: {
    start: { type: 'integer' },
    end: { type: 'integer' },
    text: { type: 'string' },
    signal: { type: 'string', enum: ['lexical', 'embedding'] },
    score: { type: 'number' },
    rerank: { type: 'number' },
  },
} as const;

const RESULT = {
  type: 'object',
  description: "One ESCO concept, as in the app's JSON export",
  properties: {
    kind: { type: 'string', enum: ['skill', 'occupation'] },
    uri: { type: 'string' },
    label: { type: 'string', description: 'English preferred label' },
    labelLanguage: { type: 'string' },
    displayLabel: { type: 'string', description: "Preferred label in the text's language, else English" },
    displayLanguage: { type: 'string' },
    displayFallback: { type: 'boolean', description: 'true: the language has no label for the concept, English is shown' },
    score: { type: 'number', description: 'The score the threshold applies to' },
    scores: {
      type: 'object',
      properties: { retrieval: { type: 'number' }, rerank: { type: ['number', 'null'] }, lexical: { type: 'number' }, document: { type: ['number', 'null'] } },
    },
    signals: { type: 'array', items: { type: 'string' } },
    skillType: { type: 'string' },
    reuseLevel: { type: 'string' },
    iscoCode: { type: 'string' },
    firstOffset: { type: 'integer' },
    evidence: { type: 'array', items: EVIDENCE },
    shown: { type: 'boolean', description: 'ranked requests only: passes the thresholds' },
  },
} as const;

export const EXTRACT_RESPONSE = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: [EXPORT_FORMAT] },
    exportedAt: { type: 'string' },
    escoVersion: { type: 'string' },
    modelHash: { type: ['string', 'null'], description: 'Hash of the embedding space (model, pooling, concept texts, taxonomy); null with label matching only' },
    models: { type: 'object', properties: { embedder: { type: ['string', 'null'] }, reranker: { type: ['string', 'null'] } } },
    stage: { type: 'string', enum: ['lexical', 'embedding', 'reranked'] },
    thresholds: { type: 'object', description: 'The thresholds used (defaults with the request overrides)' },
    textLength: { type: 'integer' },
    textLanguage: { type: ['string', 'null'], description: 'The language the text was treated as' },
    detectedLanguage: { type: ['object', 'null'], properties: { language: { type: 'string' }, reliable: { type: 'boolean' } } },
    matchLanguage: { type: ['string', 'null'], description: 'Language whose ESCO labels were matched beside English' },
    displayLanguage: { type: 'string' },
    kinds: { type: 'array', items: { type: 'string' } },
    ranked: { type: 'boolean' },
    totals: { type: 'object', description: 'Candidates of each kind before the cut', properties: { skill: { type: 'integer' }, occupation: { type: 'integer' } } },
    skills: { type: 'array', items: RESULT },
    occupations: { type: 'array', items: RESULT },
    skippedSections: {
      type: 'array',
      items: { type: 'object', properties: { start: { type: 'integer' }, end: { type: 'integer' }, reason: { type: 'string' }, label: { type: 'string' }, analysed: { type: 'boolean' } } },
    },
    notices: { type: 'array', items: { type: 'string' } },
    timings: { type: 'object', properties: { queueMs: { type: 'number' }, extractMs: { type: 'number' } } },
  },
} as const;

const MODEL = {
  type: 'object',
  properties: { preset: { type: 'string' }, id: { type: 'string' }, dtype: { type: 'string' }, dimensions: { type: 'integer' }, pooling: { type: 'string' } },
} as const;

export const EMBED_RESPONSE = {
  type: 'object',
  properties: {
    embeddings: { type: 'array', items: { type: 'array', items: { type: 'number' } }, description: 'L2-normalised, one per text, in order' },
    dimensions: { type: 'integer' },
    role: { type: 'string' },
    model: MODEL,
  },
} as const;

export const RERANK_RESPONSE = {
  type: 'object',
  properties: {
    results: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, score: { type: 'number', description: 'sigmoid of the cross-encoder logit' } } }, description: 'Best first' },
    model: { type: 'object', properties: { id: { type: 'string' }, dtype: { type: 'string' } } },
  },
} as const;

export const HEALTH_RESPONSE = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['loading', 'ready', 'failed', 'shutting_down'] },
    preset: { type: 'string' },
    models: { type: 'object', properties: { embedder: { type: ['object', 'null'] }, reranker: { type: ['object', 'null'] } } },
    modelHash: { type: ['string', 'null'] },
    escoVersion: { type: 'string' },
    uptimeSeconds: { type: 'number' },
    queue: { type: 'object', properties: { running: { type: 'integer' }, waiting: { type: 'integer' }, limit: { type: 'integer' } } },
    limits: { type: 'object' },
    auth: { type: 'boolean', description: 'POST routes need the API key' },
    error: { type: 'string' },
  },
} as const;
