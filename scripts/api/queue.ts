// The service's one inference queue: every model call (extract, embed, rerank) runs alone, in
// arrival order (src/core/serialQueue.ts, as in the app's worker), and at most `limit` requests wait
// behind the one running; a request beyond that is refused at once (503 + Retry-After, from the
// recent task durations), so a burst cannot pile up unbounded memory and latency.
import { SerialQueue } from '../../src/core/serialQueue.ts';

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(readonly retryAfterSeconds: number) {
    super(`the inference queue is full; retry in ${retryAfterSeconds} s`);
  }
}

export class InferenceQueue {
  private readonly serial = new SerialQueue();
  private running = 0;
  /** Exponential average of task durations (ms), for Retry-After. */
  private avgMs = 0;

  constructor(readonly limit: number) {}

  get waiting(): number {
    return this.serial.size - this.running;
  }

  get active(): number {
    return this.running;
  }

  /** Seconds until the queue has drained at the recent pace (at least 1). */
  retryAfter(): number {
    return Math.max(1, Math.ceil(((this.serial.size || 1) * (this.avgMs || 1000)) / 1000));
  }

  /** Runs `task` when every earlier one has settled; throws QueueFullError when `limit` already wait. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.serial.size - this.running >= this.limit && this.serial.size > 0) throw new QueueFullError(this.retryAfter());
    return this.serial.run(async () => {
      this.running++;
      const t0 = performance.now();
      try {
        return await task();
      } finally {
        const ms = performance.now() - t0;
        this.avgMs = this.avgMs ? this.avgMs * 0.8 + ms * 0.2 : ms;
        this.running--;
      }
    });
  }
}
