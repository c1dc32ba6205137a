// `npm run serve:api -- [--model bge-small-en] [--host 127.0.0.1] [--port 8080] [--api-key KEY] ...`
// A local HTTP service on the extract CLI's core, runtime and models: POST /extract, /embed, /rerank,
// GET /health, /openapi.json (scripts/api/server.ts; README "HTTP service"). The model loads once at
// start; SIGINT / SIGTERM finish the requests in flight, then exit.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OFFLINE_DEFAULT_PRESET } from '../src/core/appConfig.ts';
import type { Dtype } from '../src/core/models.ts';
import { API_KEY_ENV, ApiConfigError, DEFAULT_LIMITS, startApi, type ApiOptions } from './api/server.ts';

export const USAGE = `usage: npm run serve:api -- [options]

  --model NAME          a preset (default: the app's offline default, ${OFFLINE_DEFAULT_PRESET}; bge-m3, minilm, test, ...) | none (label matching only)
  --host H              address to bind (default 127.0.0.1); anything but loopback needs an API key
  --port N              port (default 8080; 0: any free port)
  --api-key KEY         require "Authorization: Bearer KEY" on POST routes (or set ${API_KEY_ENV}, which keeps it out of ps)
  --local DIR           models in hub layout in DIR (default .generated/models when provisioned there)
  --model-host URL      hub-layout model host (default https://huggingface.co/ when not provisioned)
  --dtype fp32|fp16|q8  query embedder dtype (default q8 where the Node dtype is fp32, as the extract CLI)
  --rerank on|off       use the preset's reranker when it has one (default on)
  --queue N             requests that may wait for the inference queue (default ${DEFAULT_LIMITS.queueLimit}; more get 503)
  --max-body-bytes N    largest request body (default ${DEFAULT_LIMITS.maxBodyBytes}; larger get 413)
  --max-text-chars N    longest text (default ${DEFAULT_LIMITS.maxTextChars}; longer get 413)
  --max-batch N         most texts per /embed, documents per /rerank (default ${DEFAULT_LIMITS.maxBatch}; more get 413)
  --quiet               no request lines (texts are never logged either way)
`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ApiConfigError(`--${name} takes a whole number (got "${v}")`);
  return n;
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ApiOptions & { quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string', default: OFFLINE_DEFAULT_PRESET },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'api-key': { type: 'string' },
      local: { type: 'string' },
      'model-host': { type: 'string' },
      dtype: { type: 'string' },
      rerank: { type: 'string', default: 'on' },
      queue: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'max-text-chars': { type: 'string' },
      'max-batch': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (values.rerank !== 'on' && values.rerank !== 'off') throw new ApiConfigError('--rerank takes on or off');
  if (values.dtype && !['fp32', 'fp16', 'q8'].includes(values.dtype)) throw new ApiConfigError('--dtype takes fp32, fp16 or q8');
  const port = int('port', values.port);
  if (port === undefined || port > 65535) throw new ApiConfigError(`--port takes 0-65535 (got "${values.port}")`);
  return {
    model: values.model!,
    host: values.host!,
    port,
    apiKey: values['api-key'] ?? env[API_KEY_ENV] ?? undefined,
    local: values.local,
    modelHost: values['model-host'],
    dtype: values.dtype as Dtype | undefined,
    rerank: values.rerank === 'on',
    queueLimit: int('queue', values.queue),
    maxBodyBytes: int('max-body-bytes', values['max-body-bytes']),
    maxTextChars: int('max-text-chars', values['max-text-chars']),
    maxBatch: int('max-batch', values['max-batch']),
    quiet: values.quiet!,
  };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let options: ReturnType<typeof parseServeArgs>;
  try {
    options = parseServeArgs(argv);
  } catch (e) {
    console.error(`serve:api: ${(e as Error).message}\n(npm run serve:api -- --help lists the options)`);
    process.exit(2);
  }
  const { quiet, ...apiOptions } = options;
  const lifecycle = (l: string) => console.error(l);
  let api: Awaited<ReturnType<typeof startApi>>;
  try {
    api = await startApi({ ...apiOptions, log: (l) => (!quiet || !/^[A-Z]+ \//.test(l) ? lifecycle(l) : undefined) });
  } catch (e) {
    console.error(`serve:api: ${(e as Error).message}`);
    process.exit(e instanceof ApiConfigError ? 2 : 1);
  }
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(130);
      stopping = true;
      console.error(`${sig}: finishing the requests in flight, then exiting (again to quit at once)`);
      api.close().then(
        () => {
          console.error('stopped');
          process.exit(0);
        },
        (e: unknown) => {
          console.error(`shutdown failed: ${(e as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
  api.ready.catch(() => process.exit(1));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
