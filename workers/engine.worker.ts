// The engine worker entry: exposes one Engine over comlink. All logic is in workers/engine.ts.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';

Comlink.expose(new Engine());
