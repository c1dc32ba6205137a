// EngineClient against a fake worker: comlink over a MessageChannel, with a controllable engine.
import * as Comlink from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import type { EngineApi, EngineConfig, EngineStatus } from '../../workers/engineApi.ts';
import { EngineClient, EngineRestartedError } from './engineClient.ts';

const CONFIG: EngineConfig = { presetId: 'test', modelHost: 'http://h/', taxonomyUrl: 'http://t', embeddingsBaseUrl: 'http://e/', rerankerEnabled: true };

const STATUS = { denseReady: true } as EngineStatus;

interface FakeWorker extends EventTarget {
  postMessage(data: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  terminated: boolean;
  engine: FakeEngine;
}

class FakeEngine {
  configs: EngineConfig[] = [];
  hang = false;
  async init(config: EngineConfig, onStatus: (s: EngineStatus) => void): Promise<EngineStatus> {
    this.configs.push(config);
    await onStatus(STATUS);
    return STATUS;
  }
  async status(): Promise<EngineStatus> {
    if (this.hang) return new Promise<EngineStatus>(() => {});
    return STATUS;
  }
  async extract(text: string): Promise<unknown> {
    if (this.hang) return new Promise(() => {});
    if (text === 'fail') throw new Error('bad input');
    return { text };
  }
}

function fakeWorker(): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  const engine = new FakeEngine();
  Comlink.expose(engine as unknown as EngineApi, port2);
  const target = new EventTarget() as FakeWorker;
  port1.addEventListener('message', (e) => target.dispatchEvent(new MessageEvent('message', { data: (e as MessageEvent).data })));
  port1.start();
  target.postMessage = (data, transfer) => port1.postMessage(data, transfer ?? []);
  target.terminated = false;
  target.terminate = () => {
    target.terminated = true;
    port1.close();
    port2.close();
  };
  target.engine = engine;
  return target;
}

function setup() {
  const workers: FakeWorker[] = [];
  const events = { onStatus: vi.fn(), onRestart: vi.fn(), onError: vi.fn(), onCall: vi.fn() };
  // The fake implements the parts of Worker the client uses.
  const client = new EngineClient(CONFIG, events, () => {
    const w = fakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  });
  return { client, workers, events };
}

describe('EngineClient', () => {
  it('initialises the worker, forwards status and counts calls', async () => {
    const { client, workers, events } = setup();
    await client.start();
    expect(workers[0].engine.configs).toEqual([CONFIG]);
    expect(events.onStatus).toHaveBeenCalledWith(STATUS);
    expect(await client.extract('hello')).toEqual({ text: 'hello' });
    expect(client.calls).toBe(2);
    expect(events.onCall.mock.calls.map((c) => c[0])).toEqual(['init', 'extract']);
  });

  it('passes ordinary errors from a live worker through without restarting', async () => {
    const { client, workers, events } = setup();
    await client.start();
    await expect(client.extract('fail')).rejects.toThrow('bad input');
    expect(workers).toHaveLength(1);
    expect(events.onRestart).not.toHaveBeenCalled();
  });

  it('restarts with the same config after a crash and rejects calls in flight', async () => {
    const { client, workers, events } = setup();
    await client.start();
    workers[0].engine.hang = true;
    const pending = client.extract('slow');
    client.simulateCrash();
    await expect(pending).rejects.toBeInstanceOf(EngineRestartedError);
    await vi.waitFor(() => expect(workers).toHaveLength(2));
    expect(workers[0].terminated).toBe(true);
    expect(events.onRestart).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(workers[1].engine.configs).toEqual([CONFIG]));
    expect(await client.extract('again')).toEqual({ text: 'again' });
  });

  it('treats an error event before the first status as a crash', async () => {
    const { client, workers, events } = setup();
    const started = client.start();
    workers[0].dispatchEvent(new Event('error'));
    await started;
    await vi.waitFor(() => expect(workers).toHaveLength(2));
    expect(events.onRestart).toHaveBeenCalledTimes(1);
  });

  it('stops restarting after repeated crashes and reports an error', async () => {
    const { client, workers, events } = setup();
    await client.start();
    for (let i = 0; i < 4; i++) {
      const before = workers.length;
      client.simulateCrash();
      if (i < 3) await vi.waitFor(() => expect(workers.length).toBe(before + 1));
    }
    expect(events.onRestart).toHaveBeenCalledTimes(3);
    expect(events.onError).toHaveBeenCalledWith(expect.stringContaining('crashed 4 times'));
    await expect(client.extract('x')).rejects.toBeInstanceOf(EngineRestartedError);
  });

  it('reconfigure replaces the worker with the new config, without a crash notice', async () => {
    const { client, workers, events } = setup();
    await client.start();
    await client.reconfigure({ ...CONFIG, modelHost: 'http://other/' });
    expect(workers).toHaveLength(2);
    expect(workers[1].engine.configs[0].modelHost).toBe('http://other/');
    expect(events.onRestart).not.toHaveBeenCalled();
  });
});
