/**
 * Collects a command's output without unbounded memory: a runaway command
 * (`yes`, a log loop) would otherwise grow one string until the process dies.
 * Keeps the beginning and the most recent part, far more than the model is ever
 * shown, and counts what fell out in between.
 */
export class BoundedOutput {
  private head = '';
  private tail = '';
  private droppedChars = 0;
  private droppedLines = 0;

  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(headLimit = 1 << 20, tailLimit = 4 << 20) {
    this.headLimit = headLimit;
    this.tailLimit = tailLimit;
  }

  append(text: string): void {
    if (this.head.length < this.headLimit) {
      const room = this.headLimit - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    this.tail += text;
    // Trim in large steps so appends stay amortised O(1).
    if (this.tail.length > 2 * this.tailLimit) {
      const cut = this.tail.length - this.tailLimit;
      const dropped = this.tail.slice(0, cut);
      this.droppedChars += dropped.length;
      this.droppedLines += dropped.split('\n').length - 1;
      this.tail = this.tail.slice(cut);
    }
  }

  get text(): string {
    return this.head + this.tail;
  }

  /** What was discarded between head and tail, if anything. */
  get dropped(): { chars: number; lines: number } | undefined {
    return this.droppedChars ? { chars: this.droppedChars, lines: this.droppedLines } : undefined;
  }
}
