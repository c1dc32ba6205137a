// JS heap figures for the app's page and its engine worker through the Chrome DevTools Protocol.
// The page is asked directly (Runtime.getHeapUsage); the dedicated worker is reached by auto-attaching
// to the page's child targets in non-flattened mode and talking to it with Target.sendMessageToTarget,
// because Playwright opens CDP sessions for pages and frames only. (performance.measureUserAgentSpecificMemory
// would also split page and worker, but Chromium answers it lazily: about 60 s per call here.)
// usedSize = live JS objects; backingStorageSize = ArrayBuffer / WebAssembly.Memory backing stores
// (the embedding matrices, ORT's WASM heap, tensors), which the JS heap figure leaves out.
import type { BrowserContext, CDPSession, Page } from '@playwright/test';

export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  backingStorageSize: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class AppMemory {
  private workerSession: string | null = null;
  private workerUrl = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly cdp: CDPSession) {}

  static async attach(context: BrowserContext, page: Page): Promise<AppMemory> {
    const cdp = await context.newCDPSession(page);
    const m = new AppMemory(cdp);
    cdp.on('Target.attachedToTarget', (e) => {
      // The engine worker is the page's dedicated worker with a real script URL (ORT's own thread
      // workers are children of that worker, not of the page).
      if (e.targetInfo.type === 'worker' && !e.targetInfo.url.startsWith('blob:') && !m.workerSession) {
        m.workerSession = e.sessionId;
        m.workerUrl = e.targetInfo.url;
      }
    });
    cdp.on('Target.detachedFromTarget', (e) => {
      if (e.sessionId === m.workerSession) m.workerSession = null;
    });
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const msg = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return;
      const p = m.pending.get(msg.id);
      if (!p) return;
      m.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return m;
  }

  /** Waits (up to timeoutMs) until the engine worker has been attached. */
  async waitForWorker(timeoutMs = 10_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.workerSession && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return this.workerSession !== null;
  }

  get worker(): string {
    return this.workerUrl;
  }

  private toWorker<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const sessionId = this.workerSession;
    if (!sessionId) return Promise.reject(new Error('engine worker not attached'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject });
      this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: Error) => {
        this.pending.delete(id);
        reject(e);
      });
      setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`${method}: no answer from the worker`));
      }, 30_000);
    });
  }

  async page(): Promise<HeapUsage> {
    return (await this.cdp.send('Runtime.getHeapUsage')) as HeapUsage;
  }

  async workerUsage(): Promise<HeapUsage> {
    return this.toWorker<HeapUsage>('Runtime.getHeapUsage');
  }

  /** Full GC in page and worker, so the next sample shows live memory rather than garbage. */
  async collectGarbage(): Promise<void> {
    await this.cdp.send('HeapProfiler.collectGarbage');
    if (this.workerSession) await this.toWorker('HeapProfiler.collectGarbage').catch(() => {});
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => {});
  }
}
