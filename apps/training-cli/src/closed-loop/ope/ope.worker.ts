import { workerData } from 'node:worker_threads';
import { LogThreadData, serveLogThread } from '../uplift/log-stream';
import { policiesFrom, PortablePolicies, weighedExtra } from './ope-logs';
import { opeTallyBuffers, tallyOpePartition } from './ope-tally';

/** An `ope` thread (log-stream.ts): it weighs each decision not held out for the policies. */
const { command } = workerData as LogThreadData<PortablePolicies>;
serveLogThread({
  extra: weighedExtra(policiesFrom(command)),
  tally: tallyOpePartition,
  buffers: opeTallyBuffers,
});
