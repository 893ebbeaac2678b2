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
 * At most `maxClients` are tracked: past that the least recently seen is forgotten (a Map keeps
 * insertion order, and every request re-inserts its client), so memory is bounded whatever the
 * number of clients; a client that keeps sending stays tracked.
 */
export class SlidingWindowLimiter {
  private readonly clients = new Map<string, Counter>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly maxClients: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Clients currently tracked. */
  get size(): number {
    return this.clients.size;
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
    const counter = this.clients.get(client) ?? { window, previous: 0, current: 0 };
    if (counter.window !== window) {
      counter.previous = counter.window === window - 1 ? counter.current : 0;
      counter.current = 0;
      counter.window = window;
    }
    if (count) this.touch(client, counter);
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

  /** Moves `client` to the most recent end, forgetting the least recent one past the bound. */
  private touch(client: string, counter: Counter): void {
    this.clients.delete(client);
    this.clients.set(client, counter);
    if (this.clients.size > this.maxClients) {
      this.clients.delete(this.clients.keys().next().value as string);
    }
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
