import { Worker } from 'node:worker_threads';
import type { Logger } from '../shared/logger.js';
import { ModelError } from '../shared/errors.js';
import type { Box, RgbImage } from './image.js';
import type { AnalyzedPlate, FrameAnalysis, FrameAnalyzer } from './ports.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

export interface WorkerPoolOptions {
  workers: number;
  init: Omit<WorkerInit, 'type'>;
  /**
   * true: analyze() takes the caller's frame buffer (transferred, detached afterwards).
   * false (default): the frame is copied first (~1 ms for 720p), so the caller may still cut
   * the plate crop from it; the copy is what is transferred.
   */
  transferOwnership?: boolean;
}

interface Job {
  id: number;
  request: WorkerRequest;
  resolve: (a: FrameAnalysis) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

const ENTRY = new URL('./analyzer-worker-entry.mjs', import.meta.url);

/**
 * FrameAnalyzer over a pool of worker threads, so inference never blocks the main event loop
 * (MQTT, the API and retention stay responsive on a saturated CPU). Frames queue FIFO while all
 * workers are busy; the pipeline bounds that by awaiting each frame and dropping the rest.
 * A worker that dies fails its frame and is replaced.
 */
export class WorkerPoolAnalyzer implements FrameAnalyzer {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  /** Stores its dependencies only; start() spawns the workers. */
  constructor(
    private readonly opts: WorkerPoolOptions,
    private readonly log: Logger,
  ) {}

  /** Spawns the workers and waits until each has loaded its models. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.workers }, () => this.spawn()));
  }

  async analyze(image: RgbImage, roi?: Box): Promise<AnalyzedPlate[]> {
    return (await this.analyzeFrame(image, roi)).plates;
  }

  analyzeFrame(image: RgbImage, roi?: Box): Promise<FrameAnalysis> {
    if (this.closed) return Promise.reject(new Error('frame analyzer is closed'));
    // `new Uint8Array(view)` copies; `slice()` would not on a Node Buffer (the camera's frames are
    // Buffers, whose slice() is a view), and transferring it would detach the caller's pixels.
    const data =
      this.opts.transferOwnership && isWholeBuffer(image.data)
        ? (image.data.buffer as ArrayBuffer)
        : new Uint8Array(image.data).buffer;
    const id = this.nextId++;
    const request: WorkerRequest = {
      type: 'frame',
      id,
      width: image.width,
      height: image.height,
      data,
      ...(roi ? { roi } : {}),
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ id, request, resolve, reject });
      this.dispatch();
    });
  }

  /** Frames waiting for a worker (for metrics). */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new Error('frame analyzer closed'));
    await Promise.all(
      this.slots.splice(0).map(async (s) => {
        s.job?.reject(new Error('frame analyzer closed'));
        await s.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage(job.request, [job.request.data]);
    }
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(ENTRY, { name: 'alpr-vision' });
      const slot: Slot = { worker };
      let ready = false;
      worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') {
          ready = true;
          this.slots.push(slot);
          resolve();
          this.dispatch();
        } else if (m.type === 'init-error') {
          void worker.terminate();
          reject(
            m.name === 'ConfigError' || m.name === 'ModelError'
              ? Object.assign(new ModelError(m.message), { name: m.name })
              : new Error(`vision worker failed to start: ${m.message}`),
          );
        } else {
          const job = slot.job;
          slot.job = undefined;
          if (job && job.id === m.id) {
            if (m.type === 'result') job.resolve(m.analysis);
            else job.reject(new Error(`vision worker: ${m.message}`));
          }
          this.dispatch();
        }
      });
      worker.on('error', (err) => {
        this.log.error({ err: err.message }, 'vision worker crashed');
        if (!ready) reject(err);
      });
      worker.on('exit', (code) => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        slot.job?.reject(new Error(`vision worker exited (code ${code})`));
        slot.job = undefined;
        if (!ready) reject(new Error(`vision worker exited before it was ready (code ${code})`));
        else if (!this.closed) {
          this.log.warn({ code }, 'vision worker exited; starting a new one');
          this.spawn().catch((err: Error) =>
            this.log.error({ err: err.message }, 'vision worker could not be restarted'),
          );
        }
      });
      worker.postMessage({ type: 'init', ...this.opts.init } satisfies WorkerInit);
    });
  }
}

function isWholeBuffer(d: Uint8Array): boolean {
  return d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && !(d.buffer instanceof SharedArrayBuffer);
}
