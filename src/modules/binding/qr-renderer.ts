import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import * as QRCode from 'qrcode';
import { Worker } from 'worker_threads';

const PNG_OPTIONS = { errorCorrectionLevel: 'M' as const, margin: 2, width: 320 };
const SVG_OPTIONS = { type: 'svg' as const, errorCorrectionLevel: 'M' as const, margin: 2 };
const RENDER_TIMEOUT_MS = 5000;

// Runs in a worker thread: PNG encoding is CPU work that would otherwise stall every request of the process.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const QRCode = require(workerData.qrcode);
parentPort.on('message', ({ id, text }) => {
  QRCode.toDataURL(text, workerData.options).then(
    (png) => parentPort.postMessage({ id, png }),
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});`;

/**
 * QR codes for binding links. The SVG is cheap and drawn inline; the PNG (a data URL) is
 * encoded in one worker thread, so a burst of link creations never blocks the event loop
 * (and with it every other request and socket). Falls back to the calling thread if the
 * worker cannot be used.
 */
@Injectable()
export class QrRenderer implements OnModuleDestroy {
  private readonly logger = new Logger('QrRenderer');
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (png: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  async render(text: string): Promise<{ png: string; svg: string }> {
    const [png, svg] = await Promise.all([this.png(text), QRCode.toString(text, SVG_OPTIONS)]);
    return { png, svg };
  }

  onModuleDestroy(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private async png(text: string): Promise<string> {
    try {
      return await this.inWorker(text);
    } catch (e) {
      this.logger.warn(`QR worker unavailable (${(e as Error).message}); rendering in-process`);
      return QRCode.toDataURL(text, PNG_OPTIONS);
    }
  }

  private inWorker(text: string): Promise<string> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('QR rendering timed out'));
      }, RENDER_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, text });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { qrcode: require.resolve('qrcode'), options: PNG_OPTIONS } });
    worker.unref();
    worker.on('message', (m: { id: number; png?: string; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.png) p.resolve(m.png);
      else p.reject(new Error(m.error ?? 'QR rendering failed'));
    });
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(e);
        this.pending.delete(id);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`QR worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
