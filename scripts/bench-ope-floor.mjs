// ope's floor (npm run bench:ope-floor, after npm run build and npm run bench:evaluation, whose
// simulated log it reads): what replaying a decision costs at the least, without the passes
// around it. The first LINES decisions are held in memory, split over THREADS worker threads
// (their young generations, and how they collect them, as `ope`'s threads'), and each thread
// goes ROUNDS times over its share in three stages: parse and check the line; the same and
// validate its request as the API does; the same and rank its nudges once for the logging
// policy (what ope does for a candidate that ranks alike), the clock starting once every thread
// has loaded the engine. Prints decisions per second for each stage: the most `ope` could do on
// this machine were the reading, the partition files, the join and the weighing free.
// Environment: LINES (100000), ROUNDS (3), THREADS (the CPUs), BENCH_DIR (os.tmpdir()), USERS
// and DAYS (as bench:evaluation: which log).
import { openSync, readFileSync, readSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const ROOT = join(import.meta.dirname, '..');
const LIBS = join(ROOT, 'dist/apps/training-cli/libs');
const USERS = Number(process.env.USERS ?? 200_000);
const DAYS = Number(process.env.DAYS ?? 10);
const DIR = join(process.env.BENCH_DIR ?? tmpdir(), `bench-evaluation-${USERS}x${DAYS}`);
const LINES = Number(process.env.LINES ?? 100_000);
const THREADS = Number(process.env.THREADS ?? availableParallelism());
const STAGES = ['parse', 'validate', 'rank'];
/** Each thread goes over its share this many times: seconds of work, not one. */
const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** The first `count` lines of the decisions log. */
function firstLines(count) {
  const file = openSync(join(DIR, 'decisions.ndjson'), 'r');
  const lines = [];
  let rest = '';
  const buffer = Buffer.alloc(16 * 1024 * 1024);
  let position = 0;
  while (lines.length < count) {
    const read = readSync(file, buffer, 0, buffer.length, position);
    if (read === 0) break;
    position += read;
    const parts = (rest + buffer.toString('utf8', 0, read)).split('\n');
    rest = parts.pop();
    lines.push(...parts.slice(0, count - lines.length));
  }
  return lines;
}

async function thread() {
  const require = createRequire(import.meta.url);
  const { parseDecisionLine, validDecisionRequest } = require(join(LIBS, 'contract/src'));
  const { buildEngineConfig, learnerFacts, requestRanking } = require(join(LIBS, 'engagement/src'));
  const { loadModelSet } = require(join(LIBS, 'ml/src'));
  const { lines, stage } = workerData;
  const config = buildEngineConfig(
    JSON.parse(readFileSync(join(DIR, 'logging.json'), 'utf8')),
    'logging.json',
  );
  const state = { config, models: await loadModelSet(join(ROOT, 'models')) };
  // Loaded: the clock starts when every thread is.
  parentPort.postMessage('ready');
  await new Promise((resolve) => parentPort.once('message', resolve));
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const text of lines) {
      const { record, day } = parseDecisionLine(text, '');
      if (stage === 'parse' || record.assignment.holdout) continue;
      const valid = validDecisionRequest(record, day, '');
      if (stage === 'rank') requestRanking(valid, state, learnerFacts(valid));
    }
  }
  parentPort.postMessage(performance.now() - started);
}

/** The seconds the slowest thread took over its share, all started at once. */
async function stage(name, shares) {
  const workers = shares.map(
    (lines) =>
      new Worker(new URL(import.meta.url), {
        workerData: { lines, stage: name },
        resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 24 },
      }),
  );
  const answer = (worker) =>
    new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await Promise.all(workers.map(answer));
  const took = Promise.all(workers.map(answer));
  for (const worker of workers) worker.postMessage('go');
  const seconds = Math.max(...(await took)) / 1000;
  await Promise.all(workers.map((worker) => worker.terminate()));
  return seconds;
}

if (isMainThread) {
  const { scavengeWithoutHelpers } = createRequire(import.meta.url)(
    join(ROOT, 'dist/apps/training-cli/apps/training-cli/src/cli/v8-heap.js'),
  );
  scavengeWithoutHelpers(THREADS);
  const lines = firstLines(LINES);
  const shares = Array.from({ length: THREADS }, (_, t) =>
    lines.filter((_, i) => i % THREADS === t),
  );
  console.log(
    `ope's floor on the first ${lines.length.toLocaleString('en')} decisions of ${DIR}: ${THREADS} threads, machine with ${availableParallelism()} CPUs`,
  );
  for (const name of STAGES) {
    const seconds = await stage(name, shares);
    const rate = Math.round((ROUNDS * lines.length) / seconds).toLocaleString('en');
    console.log(
      `${`up to ${name}`.padEnd(18)} ${seconds.toFixed(1).padStart(6)} s ${rate.padStart(9)} decisions/s`,
    );
  }
} else {
  await thread();
}
