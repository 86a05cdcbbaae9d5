import os from 'node:os';
import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { packageRoot } from '../../../core/package-root.js';
import type { FileRecord } from '../file-extract.js';
import type { ChangedFile } from '../merkle.js';
import type { ExtractReply, ExtractRequest } from './protocol.js';

/** Always the compiled script: Node runs it as is, whether the pool itself was loaded from dist or from sources under test. */
const WORKER_SCRIPT = path.join(packageRoot, 'dist/src/context/retrieval/workers/parse-worker.js');
/** Each worker costs some 40 MB (a V8 heap, the grammars): past this many, memory grows faster than the build speeds up. */
const MAX_DEFAULT_WORKERS = 4;
/** Requests queued per worker, so it starts the next file while the main thread takes in the last one. */
const DEPTH = 2;
/**
 * A worker holds one file's tree at a time; a file that needs more than this
 * (a pathological generated file) crashes its worker, not the session, and is
 * skipped.
 */
const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

/** A file the index could not extract: its worker died on it, or extraction threw. */
export class ExtractionFailed extends Error {}

/** The pool was closed (the session is ending) before the file was extracted. */
export class PoolClosed extends Error {}

interface Task {
  id: number;
  file: ChangedFile;
  resolve(record: FileRecord | undefined): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Sent and unanswered, in the order the worker handles them. */
  inFlight: Task[];
}

interface ParsePoolOptions {
  /** Defaults to one worker per core (os.availableParallelism), at most MAX_DEFAULT_WORKERS. */
  size?: number;
  resourceLimits?: ResourceLimits;
}

/**
 * Parsing threads for the index: files are extracted on every core while the
 * main thread only takes in the compact records. A worker that dies (out of
 * memory, a crash in the grammar) costs the file it was on, never the others:
 * it is replaced and the rest of its queue goes to the next worker.
 */
export class ParsePool {
  private readonly size: number;
  private readonly limits: ResourceLimits;
  private readonly queue: Task[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly root: string,
    options: ParsePoolOptions = {},
  ) {
    this.size = Math.max(1, options.size ?? Math.min(os.availableParallelism(), MAX_DEFAULT_WORKERS));
    this.limits = options.resourceLimits ?? DEFAULT_LIMITS;
  }

  extract(file: ChangedFile): Promise<FileRecord | undefined> {
    if (this.closed) return Promise.reject(new PoolClosed('the parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, file, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; files not yet extracted are rejected with PoolClosed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = new PoolClosed('the parse pool is closed');
    for (const task of this.queue.splice(0)) task.reject(closed);
    const slots = this.slots.splice(0);
    for (const slot of slots) for (const task of slot.inFlight.splice(0)) task.reject(closed);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const task = this.queue.shift()!;
      if (slot.inFlight.length === 0) slot.worker.ref();
      slot.inFlight.push(task);
      slot.worker.postMessage({ id: task.id, file: task.file } satisfies ExtractRequest);
    }
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.reduce<Slot | undefined>(
      (best, slot) => (slot.inFlight.length < (best?.inFlight.length ?? DEPTH) ? slot : best),
      undefined,
    );
    if (idle?.inFlight.length === 0 || this.slots.length >= this.size) return idle;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: { root: this.root },
      resourceLimits: this.limits,
    });
    const slot: Slot = { worker, inFlight: [] };
    this.slots.push(slot);
    worker.on('message', (reply: ExtractReply) => this.answer(slot, reply));
    worker.on('error', (error) => this.crashed(slot, error.message));
    worker.on('exit', (code) => this.crashed(slot, `exited with code ${code}`));
    return slot;
  }

  private answer(slot: Slot, reply: ExtractReply): void {
    const index = slot.inFlight.findIndex((task) => task.id === reply.id);
    if (index === -1) return;
    const [task] = slot.inFlight.splice(index, 1);
    // An idle worker must not keep the process alive: a session that ends without closing the pool still exits.
    if (slot.inFlight.length === 0) slot.worker.unref();
    if ('error' in reply) task!.reject(new ExtractionFailed(reply.error));
    else task!.resolve(reply.record);
    this.dispatch();
  }

  /** The worker handles its queue in order, so the file it died on is the first unanswered one. */
  private crashed(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return; // already handled ('error' is followed by 'exit'), or closed
    this.slots.splice(index, 1);
    void slot.worker.terminate();
    const [culprit, ...others] = slot.inFlight;
    culprit?.reject(new ExtractionFailed(`its parser worker crashed (${reason})`));
    this.queue.unshift(...others);
    this.dispatch();
  }
}
