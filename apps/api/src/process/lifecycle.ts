/** Shared by the signal handler and the readiness probe: set once shutdown begins. */
export interface Lifecycle {
  draining: boolean;
  /**
   * When the shutdown must be over (epoch ms): the signal's time plus the delay and the drain's
   * limit. What still flushes at close (the decision log) stops there.
   */
  deadline?: number;
}
