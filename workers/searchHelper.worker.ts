// A search helper worker (src/core/searchPool.ts): scores its share of the matrix rows of each search
// the engine worker runs, in the same shared WebAssembly.Memory. Started by browserSearchPool.ts.
import { searchHelper, type SearchHelperMessage } from '../src/core/searchPool.ts';

const handle = searchHelper();
self.onmessage = (e: MessageEvent<SearchHelperMessage>) => handle(e.data);
