// Evaluation bench (npm run bench:evaluation, after npm run build): `uplift` and `ope` on a
// simulated log of USERS × DAYS decisions (default 200,000 × 10: 2,000,000 decisions, 3.3 GB;
// made once with simulate-platform and kept in BENCH_DIR), each in one process, then in SHARDS
// shards one after the other and `combine`. `ope` weighs the logging config with max_nudges 1.
// Prints, per run, the wall time, the decisions per second and the peak RSS (VmHWM from /proc:
// Linux), and the largest difference between the combined report and the one-process report over
// every number.
// Environment: USERS (200000), DAYS (10), SHARDS (3), THREADS (the CPUs), BENCH_DIR (os.tmpdir()),
// COMMANDS (uplift,ope).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/apps/training-cli/apps/training-cli/src/main.js');
const USERS = Number(process.env.USERS ?? 200_000);
const DAYS = Number(process.env.DAYS ?? 10);
const SHARDS = Number(process.env.SHARDS ?? 3);
const THREADS = Number(process.env.THREADS ?? availableParallelism());
const DIR = join(process.env.BENCH_DIR ?? tmpdir(), `bench-evaluation-${USERS}x${DAYS}`);
const COMMANDS = (process.env.COMMANDS ?? 'uplift,ope').split(',');

/** Runs the CLI, sampling its peak RSS; resolves with its stdout, wall seconds and peak MB. */
function run(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let peakKb = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const sample = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // The process has just ended.
      }
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}`));
      else
        resolve({ stdout, seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024 });
    });
  });
}

/** The largest |a − b| over every number of two reports of the same shape. */
function largestDifference(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (a !== null && typeof a === 'object') {
    return Math.max(0, ...Object.keys(a).map((key) => largestDifference(a[key], b?.[key])));
  }
  if (a !== b) throw new Error(`the reports differ: ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  return 0;
}

if (!existsSync(join(DIR, 'decisions.ndjson'))) {
  mkdirSync(DIR, { recursive: true });
  // The logging policy: 10% held out, exploring with ε = 0.2.
  const config = JSON.parse(readFileSync(join(ROOT, 'config/config.json'), 'utf8'));
  config.assignment = { holdout_percent: 10 };
  config.policy = { exploration_epsilon: 0.2 };
  writeFileSync(join(DIR, 'logging.json'), JSON.stringify(config));
  console.log(`simulating ${USERS} learners × ${DAYS} days into ${DIR} (once)…`);
  await run([
    'simulate-platform',
    ...['--users', String(USERS), '--days', String(DAYS)],
    ...['--config', join(DIR, 'logging.json'), '--out-dir', DIR],
  ]);
}

if (!existsSync(join(DIR, 'candidate.json'))) {
  const logging = JSON.parse(readFileSync(join(DIR, 'logging.json'), 'utf8'));
  writeFileSync(join(DIR, 'candidate.json'), JSON.stringify({ ...logging, max_nudges: 1 }));
}

const logs = [
  ...['--decisions', join(DIR, 'decisions.ndjson'), '--outcomes', join(DIR, 'outcomes.ndjson')],
  '--threads',
  String(THREADS),
];
/** Each command's flags beside the logs, and the decisions its report says it read. */
const COMMAND = {
  uplift: {
    flags: ['--config', join(DIR, 'logging.json')],
    decisions: (report) => report.arms.slice(0, 2).reduce((sum, arm) => sum + arm.decisions, 0),
  },
  ope: {
    flags: [
      ...['--logging-config', join(DIR, 'logging.json')],
      ...['--config', join(DIR, 'candidate.json')],
    ],
    decisions: (report) => report.decisions + report.held_out,
  },
};
const line = (label, { seconds, peakMb }, count) =>
  console.log(
    `${label.padEnd(22)} ${seconds.toFixed(1).padStart(7)} s ${Math.round(count / seconds)
      .toLocaleString('en')
      .padStart(9)} decisions/s  peak RSS ${peakMb.toFixed(0).padStart(4)} MB`,
  );

for (const command of COMMANDS) {
  const { flags, decisions } = COMMAND[command];
  console.log(
    `${command} on ${DIR}: ${THREADS} threads, machine with ${availableParallelism()} CPUs`,
  );
  const one = await run([command, ...logs, ...flags, '--json']);
  const total = decisions(JSON.parse(one.stdout));
  line('one process', one, total);
  const parts = join(DIR, 'parts');
  rmSync(parts, { recursive: true, force: true });
  mkdirSync(parts);
  for (let shard = 0; shard < SHARDS; shard++) {
    const partial = join(parts, `${command}-${shard}.json`);
    const args = [
      command,
      ...logs,
      ...flags,
      '--shard',
      `${shard}/${SHARDS}`,
      '--partial',
      partial,
    ];
    line(`shard ${shard}/${SHARDS}`, await run(args), total);
  }
  const combined = await run(['combine', '--partial', join(parts, `${command}-*.json`), '--json']);
  line('combine', combined, total);
  console.log(
    `largest difference, combined against one process: ${largestDifference(JSON.parse(combined.stdout), JSON.parse(one.stdout)).toExponential(2)}`,
  );
}
