import { EventEmitter } from 'node:events';

/**
 * A terminal for ink without a pseudo-terminal: the output counts what the UI
 * writes (the bench measures redraw cost with it), the input delivers keys the
 * way a raw-mode TTY does. Cast to NodeJS.WriteStream / ReadStream for ink.
 */
export class FakeTerminalOutput extends EventEmitter {
  readonly isTTY = true;
  bytes = 0;
  /** Everything written since the last `take()`. */
  private written = '';
  private readonly watchers: { text: string; resolve: () => void }[] = [];

  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }

  write(data: string | Uint8Array): boolean {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    this.bytes += Buffer.byteLength(text);
    this.written += text;
    for (const watcher of [...this.watchers]) {
      if (!text.includes(watcher.text)) continue;
      this.watchers.splice(this.watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
    return true;
  }

  /** Resolves when a later write contains `text`. */
  until(text: string): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ text, resolve }));
  }

  take(): string {
    const text = this.written;
    this.written = '';
    return text;
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeTerminalInput extends EventEmitter {
  readonly isTTY = true;
  private readonly pending: string[] = [];

  type(keys: string): void {
    this.pending.push(keys);
    this.emit('readable');
  }

  read(): string | null {
    return this.pending.shift() ?? null;
  }

  setEncoding(): this {
    return this;
  }
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}
