// worker_threads entry of a search helper (src/core/searchPool.ts) for Node: the CLI, eval and bench.
import { parentPort } from 'node:worker_threads';
import { searchHelper, type SearchHelperMessage } from '../core/searchPool.ts';

if (!parentPort) throw new Error('nodeSearchHelper.ts runs as a worker_threads worker (see nodeSearchPool.ts)');
const handle = searchHelper();
parentPort.on('message', (message: SearchHelperMessage) => handle(message));
