/**
 * Told about every request once its response is done, by the front door; the metrics record it
 * (the app's setup connects them), so the door needs no metrics of its own.
 */
export interface RequestObserver {
  /**
   * `route` is the matched route pattern ('unmatched' when none did), never the raw URL, which
   * would explode a label set.
   */
  requestDone(method: string, route: string, status: number, seconds: number): void;
}
