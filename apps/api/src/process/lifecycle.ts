/** Shared by the signal handler and the readiness probe: set once shutdown begins. */
export interface Lifecycle {
  draining: boolean;
}
