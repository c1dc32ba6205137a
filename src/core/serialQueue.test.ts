import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serialQueue.ts';

describe('SerialQueue', () => {
  it('never overlaps tasks and keeps their order, even after a failure', async () => {
    const q = new SerialQueue();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    const task = (i: number, fail = false) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 5 - (i % 3)));
      order.push(i);
      running--;
      if (fail) throw new Error(`task ${i} failed`);
      return i;
    };
    const results = await Promise.allSettled([q.run(task(0)), q.run(task(1, true)), q.run(task(2)), q.run(task(3))]);
    expect(maxRunning).toBe(1);
    expect(order).toEqual([0, 1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(q.size).toBe(0);
  });
});
