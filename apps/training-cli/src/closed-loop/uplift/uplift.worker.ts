import { serveLogThread } from './log-stream';
import { tallyPartition } from './partition-tally';

/** An `uplift` thread (log-stream.ts): it keeps nothing beyond the join. */
serveLogThread({ tally: tallyPartition });
