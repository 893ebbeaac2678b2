import { serveLogThread } from './log-stream';

/**
 * The thread that reads the outcomes log (log-stream.ts), for `uplift` and `ope` alike: it loads
 * the log readers alone, not a command's tally or the engine.
 */
serveLogThread({
  tally: () => {
    throw new Error('the outcomes thread tallies no partition');
  },
});
