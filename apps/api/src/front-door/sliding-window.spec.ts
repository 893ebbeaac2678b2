import { SlidingWindowLimiter } from './sliding-window';

const MINUTE = 60_000;

/** A limiter on a clock the test moves, starting `at` milliseconds into a window. */
function limiter(limit: number, maxClients = 100, at = 0) {
  let now = 1000 * MINUTE + at;
  const sut = new SlidingWindowLimiter(limit, MINUTE, maxClients, () => now);
  return { sut, advance: (milliseconds: number) => (now += milliseconds) };
}

describe(SlidingWindowLimiter.name, () => {
  it('allows the limit, counting down what is left, then refuses', () => {
    const { sut } = limiter(3, 100, 15_000);
    const verdicts = [1, 2, 3, 4].map(() => sut.take('a'));
    expect(verdicts.map((v) => [v.allowed, v.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    // Allowed: the window ends in 45 s. Refused: the wait, which Retry-After carries.
    expect(verdicts[0].reset).toBe(45);
    // 45 s until the window ends, then a third of the next for the old count to slide to 2.
    expect(verdicts[3].reset).toBe(65);
  });

  it('lets the client in again exactly when reset says, and not before', () => {
    const { sut, advance } = limiter(3, 100, 15_000);
    for (let i = 0; i < 3; i++) sut.take('a');
    const refused = sut.take('a');
    advance(refused.reset * 1000 - 1500);
    expect(sut.take('a').allowed).toBe(false);
    advance(1500);
    expect(sut.take('a').allowed).toBe(true);
  });

  it('does not count refused requests, so knocking does not extend the wait', () => {
    const { sut, advance } = limiter(2);
    sut.take('a');
    sut.take('a');
    const first = sut.take('a');
    for (let i = 0; i < 1000; i++) sut.take('a');
    advance(first.reset * 1000);
    expect(sut.take('a').allowed).toBe(true);
  });

  it("weighs the previous window's count by how much of it the sliding window still covers", () => {
    const { sut, advance } = limiter(10);
    for (let i = 0; i < 10; i++) sut.take('a');
    advance(MINUTE + MINUTE / 2);
    // Half of the previous 10 still counts: 5 used, this one makes 6.
    expect(sut.take('a')).toEqual({ allowed: true, remaining: 4, reset: 30 });
    advance(2 * MINUTE);
    // Two whole windows on, nothing of either is left.
    expect(sut.take('a').remaining).toBe(9);
  });

  it('keeps one budget per client', () => {
    const { sut } = limiter(1);
    expect([sut.take('a').allowed, sut.take('a').allowed, sut.take('b').allowed]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('never tracks more than maxClients, forgetting the least recently seen', () => {
    const { sut } = limiter(1, 1000);
    sut.take('busy');
    let largest = 0;
    const busyAllowed: boolean[] = [];
    for (let i = 0; i < 100_000; i++) {
      sut.take(`client-${i}`);
      // A client seen at least every maxClients / 2 new ones stays tracked (and refused).
      if (i % 400 === 0) busyAllowed.push(sut.take('busy').allowed);
      largest = Math.max(largest, sut.size);
    }
    expect(busyAllowed).toEqual(Array(250).fill(false));
    expect(largest).toBeLessThanOrEqual(1000);
    expect(sut.size).toBeGreaterThanOrEqual(500);
    expect(sut.take('client-99999').allowed).toBe(false);
    expect(sut.take('client-0').allowed).toBe(true);
  });

  it('peeks without counting or tracking', () => {
    const { sut } = limiter(1);
    expect(sut.peek('a')).toEqual({ allowed: true, remaining: 1, reset: 60 });
    expect(sut.size).toBe(0);
    sut.take('a');
    expect(sut.peek('a').allowed).toBe(false);
    expect(sut.size).toBe(1);
  });

  it('costs the same per request at a limit of a million', () => {
    const { sut } = limiter(1_000_000);
    for (let i = 0; i < 200_000; i++) sut.take('a');
    expect(sut.take('a').remaining).toBe(1_000_000 - 200_001);
  });
});
