/** A limiter's answer for one request, in what the RateLimit and Retry-After fields carry. */
export interface RateVerdict {
  readonly allowed: boolean;
  /** Requests left after this one; 0 while blocked. */
  readonly remaining: number;
  /**
   * Whole seconds until more quota is available: the end of the current window, or while
   * blocked exactly the Retry-After, so the two never disagree.
   */
  readonly reset: number;
}

interface Counter {
  /** Index of the fixed window `current` counts in (time / window). */
  window: number;
  previous: number;
  current: number;
}

const seconds = (milliseconds: number) => Math.max(1, Math.ceil(milliseconds / 1000));

/**
 * A sliding-window counter per client: the current fixed window's count plus the previous one's,
 * weighted by how much of it the sliding window still covers. Two numbers per client and O(1) per
 * request, whatever the limit (a list of timestamps per client costs O(limit)). Refused requests
 * are not counted, so a client that keeps knocking is let in again on schedule.
 *
 * At most `maxClients` are tracked, in two generations of half as many: when the recent one is
 * full it becomes the older one and the older one is dropped whole; a client found in the older
 * one moves back to the recent one. So memory is bounded whatever the number of clients, a client
 * seen within the last maxClients / 2 new ones stays tracked, and nothing is ever scanned (evicting
 * from one Map in insertion order costs a scan over its deleted slots).
 */
export class SlidingWindowLimiter {
  private readonly generation: number;
  private recent = new Map<string, Counter>();
  private older = new Map<string, Counter>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxClients: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.generation = Math.max(1, Math.floor(maxClients / 2));
  }

  /** Clients currently tracked. */
  get size(): number {
    return this.recent.size + this.older.size;
  }

  /** Judges a request of `client` and counts it if allowed. */
  take(client: string): RateVerdict {
    return this.judge(client, true);
  }

  /** What `take` would answer, counting nothing and tracking no new client. */
  peek(client: string): RateVerdict {
    return this.judge(client, false);
  }

  private judge(client: string, count: boolean): RateVerdict {
    const now = this.clock();
    const window = Math.floor(now / this.windowMs);
    const elapsed = now - window * this.windowMs;
    let counter = this.find(client, count);
    if (counter === undefined) {
      counter = { window, previous: 0, current: 0 };
      if (count) this.keep(client, counter);
    } else if (counter.window !== window) {
      counter.previous = counter.window === window - 1 ? counter.current : 0;
      counter.current = 0;
      counter.window = window;
    }
    const used = counter.previous * (1 - elapsed / this.windowMs) + counter.current;
    if (used + 1 > this.limit) {
      return { allowed: false, remaining: 0, reset: seconds(this.wait(counter, elapsed)) };
    }
    if (count) counter.current += 1;
    return {
      allowed: true,
      remaining: Math.max(0, Math.floor(this.limit - used - (count ? 1 : 0))),
      reset: seconds(this.windowMs - elapsed),
    };
  }

  /** The client's counter; when `promote`, one found in the older generation moves to the recent one. */
  private find(client: string, promote: boolean): Counter | undefined {
    const counter = this.recent.get(client);
    if (counter !== undefined || this.older.size === 0) return counter;
    const old = this.older.get(client);
    if (old !== undefined && promote) {
      this.older.delete(client);
      this.keep(client, old);
    }
    return old;
  }

  private keep(client: string, counter: Counter): void {
    if (this.recent.size >= this.generation) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(client, counter);
  }

  /** Milliseconds until one more request fits, for a blocked client. */
  private wait({ previous, current }: Counter, elapsed: number): number {
    const { limit, windowMs } = this;
    // Room appears as the previous window slides out: previous·(1 − t/W) + current + 1 ≤ limit.
    if (current + 1 <= limit) return windowMs * (1 - (limit - 1 - current) / previous) - elapsed;
    // The current window alone is full: wait for it to become the previous one and slide out.
    return windowMs - elapsed + windowMs * (1 - (limit - 1) / current);
  }
}
