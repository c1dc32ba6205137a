// worker_threads entry for nodeSearchPool.ts: Node refuses a .ts worker entry before any loader runs
// in the worker, so this plain module registers tsx's loader first, then imports the TypeScript helper.
import { register } from 'tsx/esm/api';

register();
await import('./nodeSearchHelper.ts');
