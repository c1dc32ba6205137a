// The engine worker entry: exposes one Engine over comlink. All logic is in workers/engine.ts.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';

const engine = new Engine();
// e2e builds only: lets Playwright call the engine inside the worker (worker.evaluate).
if (import.meta.env.MODE === 'e2e') (self as unknown as { __engine: Engine }).__engine = engine;
Comlink.expose(engine);
