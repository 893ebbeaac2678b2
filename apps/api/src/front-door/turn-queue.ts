/**
 * Starts admitted requests one per turn of the event loop, in the order they came.
 *
 * Why: Node (libuv 1.45 and later) accepts one new connection per turn of the loop, and a turn
 * answers every request that was ready when it began. Under load a turn answering 300 analyses
 * lasts half a second, so the 301st client's connection sits unaccepted in the kernel for as
 * many turns as there are clients ahead of it: with 500 connections some waited over 10 s (the
 * same on a bare Node server doing 1 ms of work per request). Starting one request per turn keeps
 * each turn to one request's work plus reading the sockets that became ready, so connections are
 * accepted hundreds of times a second and the requests waiting here are the ones admission counts
 * in flight: a bounded queue, served in order, with everything beyond it answered 503 at once.
 *
 * A request whose client has gone while it waited is dropped without starting. When nothing
 * waits, a request starts in the same turn it was read (setImmediate runs after the turn's I/O).
 */
interface Waiting {
  readonly start: () => void;
  readonly gone: () => boolean;
}

export class TurnQueue {
  private waiting: Waiting[] = [];
  private head = 0;
  private scheduled = false;

  /** Requests waiting for their turn. */
  get length(): number {
    return this.waiting.length - this.head;
  }

  /** Queues `start`, to run in a later check phase unless `gone()` says its client left. */
  enqueue(start: () => void, gone: () => boolean = () => false): void {
    this.waiting.push({ start, gone });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.next);
    }
  }

  private readonly next = (): void => {
    let entry: Waiting | undefined;
    while (this.head < this.waiting.length && entry === undefined) {
      const candidate = this.waiting[this.head];
      this.waiting[this.head++] = undefined as unknown as Waiting;
      if (!candidate.gone()) entry = candidate;
    }
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
      this.scheduled = false;
    } else {
      // Compact now and then, so a long busy spell does not keep every finished slot.
      if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      setImmediate(this.next);
    }
    entry?.start();
  };
}
