/**
 * How many admitted requests a turn of the event loop starts, at most. Two rather than one: with
 * single requests answered on an engine thread, a request's own work on the event loop is its
 * HTTP handling, and a turn per request paid the loop's fixed costs (a poll of every socket, the
 * check phase, the ticks between) for each. Under the bench's load on fastify, four a turn
 * answered 16% more requests than one on 13% less CPU a request (six alternating rounds, each
 * faster), and two as many as four. Under 500 connections (`npm run bench:overload`) each more a
 * turn answers more but makes a probe on a new connection to the API port wait longer for its
 * turn: p99 1.1-1.3 s with one, 1.6-1.7 s with two, 2.1-2.5 s with four.
 */
export const STARTS_PER_TURN = 2;

/**
 * Starts admitted requests two per turn of the event loop (STARTS_PER_TURN), in the order they
 * came.
 *
 * Why: Node (libuv 1.45 and later) accepts one new connection per turn of the loop, and a turn
 * answers every request that was ready when it began. Under load a turn answering 300 analyses
 * lasts half a second, so the 301st client's connection sits unaccepted in the kernel for as
 * many turns as there are clients ahead of it: with 500 connections some waited over 10 s (the
 * same on a bare Node server doing 1 ms of work per request). Starting two requests per turn
 * keeps each turn to their work plus reading the sockets that became ready, so connections are
 * accepted hundreds of times a second and the requests waiting here are the ones admission
 * counts in flight: a bounded queue, served in order, with everything beyond it answered 503 at
 * once.
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
    const starting: Waiting[] = [];
    while (this.head < this.waiting.length && starting.length < STARTS_PER_TURN) {
      const candidate = this.waiting[this.head];
      this.waiting[this.head++] = undefined as unknown as Waiting;
      if (!candidate.gone()) starting.push(candidate);
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
    for (const entry of starting) entry.start();
  };
}
