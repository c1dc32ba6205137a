// Vector search on every core: helper workers share a matrix's WebAssembly.Memory and each scores a
// contiguous share of its rows, while the caller scores the first share and then selects the top k
// as before (vectors.ts). Results are bit-identical to a single-threaded search: every row is scored
// by the same kernel on the same bytes, only in another thread.
//
// Why this shape: topK stays synchronous (the pipeline and the CLI call it as a function), so the
// caller and the helpers meet through Atomics on a small control buffer, not through messages: a
// message round trip per 4-query block would cost more than the block's work. The helpers block in
// Atomics.wait between jobs, so a helper cannot read messages while it serves. To hand it a new
// matrix the pool posts the memory and asks the helper to yield; it returns to its event loop, reads
// the message and comes back. Anything that goes wrong with a helper (not started yet, a matrix it does
// not know yet, an exception, no answer within the timeout) makes the caller score that share itself:
// a helper can make a search faster, never wrong or stuck.
//
// Platform code creates the workers (workers/searchHelper.worker.ts in the browser, worker_threads in
// Node: src/runtime/nodeSearchPool.ts) and passes them in; both sides of the protocol are here.
import { instantiateKernel, instantiateRelaxedKernel, runKernelCall, sliceRows, wasmKernelModule, type KernelCall, type KernelInstance, type KernelName, type RelaxedKernelInstance } from './vectorKernel.ts';
import { setMatrixTeam, shareMatrix, sharedMatrixMemory, type ConceptMatrix, type KernelTeam } from './vectors.ts';

/** What the pool posts to a helper. */
export type SearchHelperMessage =
  | { type: 'start'; control: SharedArrayBuffer; slot: number }
  | { type: 'memory'; id: number; memory: WebAssembly.Memory }
  | { type: 'forget'; id: number };

/** A helper worker as the pool sees it (a Worker or a worker_threads Worker both fit). */
export interface SearchHelperPort {
  postMessage(message: SearchHelperMessage): void;
  terminate(): unknown;
}

export interface SearchPoolOptions {
  /** Calls with fewer rows run in the caller alone: waking a helper costs more than it saves. */
  minRows?: number;
  /** How long the caller waits for a helper's share before scoring it itself (ms). */
  timeoutMs?: number;
}

// One slot of Int32 fields per helper in the control buffer.
const SLOT_INTS = 16;
const STATE = 0;
const KERNEL = 1;
const MEMORY_ID = 2;
const ARGS = 3; // row, scale, rows, stride, q, out, corr

// Helper states. The caller writes JOB and YIELD (and READY after DONE); the helper writes the rest.
const STARTING = 0;
const READY = 1;
const JOB = 2;
const DONE = 3;
const FAILED = 4;
const YIELD = 5;

const KERNEL_IDS: readonly KernelName[] = ['dotI8', 'dotF16', 'dotI8Relaxed'];

/** Whether this realm may block in Atomics.wait (workers and Node: yes; a browser page: no). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0) === 'not-equal';
  } catch {
    return false;
  }
}

/** Caller side: the helpers, and the matrices they may search. */
export class SearchPool {
  private readonly control: Int32Array;
  private readonly alive: boolean[];
  private readonly ids = new WeakMap<ConceptMatrix, number>();
  private nextId = 1;
  private readonly minRows: number;
  private readonly timeoutMs: number;
  /** Shares of kernel calls a helper scored, and shares scored here because a helper could not. */
  helperShares = 0;
  fallbacks = 0;

  constructor(
    private readonly ports: readonly SearchHelperPort[],
    options: SearchPoolOptions = {},
  ) {
    this.minRows = options.minRows ?? 2048;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.control = new Int32Array(new SharedArrayBuffer(Math.max(1, ports.length) * SLOT_INTS * 4));
    this.alive = ports.map(() => true);
    ports.forEach((port, slot) => port.postMessage({ type: 'start', control: this.control.buffer as SharedArrayBuffer, slot }));
  }

  /** Helpers that are started and idle now. */
  get readyHelpers(): number {
    return this.ports.filter((_, slot) => this.alive[slot] && Atomics.load(this.control, slot * SLOT_INTS + STATE) === READY).length;
  }

  get size(): number {
    return this.ports.length;
  }

  /**
   * The matrix to search from now on: a shared copy whose kernel calls the helpers split, or the
   * matrix itself where sharing is impossible (then searches run here alone, as before).
   */
  adopt(matrix: ConceptMatrix): ConceptMatrix {
    if (this.ports.length === 0 || !canBlock()) return matrix;
    const shared = shareMatrix(matrix);
    const memory = shared && sharedMatrixMemory(shared);
    if (!shared || !memory) return matrix;
    const id = this.nextId++;
    this.ids.set(shared, id);
    for (const port of this.ports) port.postMessage({ type: 'memory', id, memory });
    this.askToYield();
    setMatrixTeam(shared, this.team(id));
    return shared;
  }

  /** Stops splitting this matrix's searches; the helpers drop its memory. */
  release(matrix: ConceptMatrix): void {
    const id = this.ids.get(matrix);
    if (id === undefined) return;
    this.ids.delete(matrix);
    setMatrixTeam(matrix, null);
    for (const port of this.ports) port.postMessage({ type: 'forget', id });
    this.askToYield();
  }

  close(): void {
    this.ports.forEach((port, slot) => {
      this.alive[slot] = false;
      port.terminate();
    });
  }

  /** Idle helpers return to their event loop to read the messages posted to them. */
  private askToYield(): void {
    for (let slot = 0; slot < this.ports.length; slot++) {
      const at = slot * SLOT_INTS + STATE;
      if (Atomics.compareExchange(this.control, at, READY, YIELD) === READY) Atomics.notify(this.control, at);
    }
  }

  private team(memoryId: number): KernelTeam {
    return { run: (call, here) => this.run(memoryId, call, here) };
  }

  private run(memoryId: number, call: KernelCall, here: (part: KernelCall) => void): void {
    const c = this.control;
    const helpers: number[] = [];
    if (call.rows >= this.minRows) {
      for (let slot = 0; slot < this.ports.length; slot++) if (this.alive[slot] && Atomics.load(c, slot * SLOT_INTS + STATE) === READY) helpers.push(slot);
    }
    if (helpers.length === 0) {
      here(call);
      return;
    }
    const parts = helpers.length + 1;
    const bound = (i: number): number => Math.round((call.rows * i) / parts);
    helpers.forEach((slot, i) => {
      const part = sliceRows(call, bound(i + 1), bound(i + 2));
      const o = slot * SLOT_INTS;
      c[o + KERNEL] = KERNEL_IDS.indexOf(part.kernel);
      c[o + MEMORY_ID] = memoryId;
      c.set([part.row, part.scale, part.rows, part.stride, part.q, part.out, part.corr], o + ARGS);
      Atomics.store(c, o + STATE, JOB); // a seq-cst store: the fields above are visible before it
      Atomics.notify(c, o + STATE);
    });
    here(sliceRows(call, 0, bound(1)));
    helpers.forEach((slot, i) => {
      const at = slot * SLOT_INTS + STATE;
      if (Atomics.load(c, at) === JOB) Atomics.wait(c, at, JOB, this.timeoutMs);
      const state = Atomics.load(c, at);
      if (state === DONE) {
        Atomics.store(c, at, READY);
        this.helperShares++;
        return;
      }
      this.fallbacks++;
      if (state === JOB) {
        // No answer in time: it may still write into this block's output later, so it goes.
        this.alive[slot] = false;
        this.ports[slot].terminate();
      } else if (Atomics.compareExchange(c, at, FAILED, YIELD) === FAILED) {
        // Most often a matrix it has not read yet: let it read its messages.
        Atomics.notify(c, at);
      }
      here(sliceRows(call, bound(i + 1), bound(i + 2)));
    });
  }
}

interface HelperKernels {
  base: KernelInstance;
  relaxed: RelaxedKernelInstance | null | undefined;
  memory: WebAssembly.Memory;
}

/**
 * Helper side: returns the worker's message handler. `schedule` re-enters the serving loop after a
 * yield once pending messages are read (setTimeout in browsers and Node).
 */
export function searchHelper(schedule: (resume: () => void) => void = (resume) => setTimeout(resume, 0)): (message: SearchHelperMessage) => void {
  const kernels = new Map<number, HelperKernels>();
  let control: Int32Array | undefined;
  let at = 0;

  const kernelsFor = (id: number, name: KernelName): { base: KernelInstance; relaxed: RelaxedKernelInstance | null } => {
    const k = kernels.get(id);
    if (!k) throw new Error(`matrix ${id} not received yet`);
    if (name === 'dotI8Relaxed' && k.relaxed === undefined) k.relaxed = instantiateRelaxedKernel(k.memory, true);
    return { base: k.base, relaxed: k.relaxed ?? null };
  };

  const serve = (): void => {
    const c = control!;
    Atomics.store(c, at + STATE, READY);
    for (;;) {
      const state = Atomics.load(c, at + STATE);
      if (state === JOB) {
        let result = DONE;
        try {
          const a = at + ARGS;
          const call: KernelCall = { kernel: KERNEL_IDS[c[at + KERNEL]], row: c[a], scale: c[a + 1], rows: c[a + 2], stride: c[a + 3], q: c[a + 4], out: c[a + 5], corr: c[a + 6] };
          const { base, relaxed } = kernelsFor(c[at + MEMORY_ID], call.kernel);
          runKernelCall(base, relaxed, call);
        } catch {
          result = FAILED;
        }
        Atomics.store(c, at + STATE, result);
        Atomics.notify(c, at + STATE);
      } else if (state === YIELD) {
        Atomics.store(c, at + STATE, STARTING);
        schedule(serve);
        return;
      } else {
        Atomics.wait(c, at + STATE, state);
      }
    }
  };

  return (message) => {
    if (message.type === 'memory') {
      const module = wasmKernelModule(true);
      if (module) kernels.set(message.id, { base: instantiateKernel(module, message.memory), relaxed: undefined, memory: message.memory });
    } else if (message.type === 'forget') {
      kernels.delete(message.id);
    } else {
      control = new Int32Array(message.control);
      at = message.slot * SLOT_INTS;
      serve();
    }
  };
}
