// Overload bench (npm run bench:overload, after npm run build): the built service with a
// management port, (1) 500 connections posting analyses for 15 s (wrk if on PATH, else
// autocannon) while the management port's /health is probed every 100 ms on fresh connections,
// and (2) 64 clients posting a 5 MB batch each, retrying after a 503 until answered, while the
// processes' memory is sampled. Prints the figures.
// Environment: WORKERS (2), HTTP_ADAPTER (express), DURATION_S (15), CONNECTIONS (500),
// BATCHES (64), BATCH_RETRY (1; 0: one try per client), and any service setting (MAX_IN_FLIGHT, MAX_BATCH_BYTES_IN_FLIGHT…) passes on.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const DURATION_S = Number(process.env.DURATION_S ?? 15);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 500);
const BATCHES = Number(process.env.BATCHES ?? 64);
const BATCH_BYTES = 5 * 1024 * 1024;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** One request on a fresh connection: [status or error code, milliseconds]. */
function call(port, path, { method = 'GET', body, timeoutMs = 10_000 } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent: false,
        timeout: timeoutMs,
        headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve([response.statusCode, performance.now() - started]));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error) =>
      resolve([error.code ?? error.message, performance.now() - started]),
    );
    outgoing.end(body);
  });
}

/** A seeded stream of varied, valid learners (the shape of the API's example request). */
function* learners(seed = 7) {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const int = (n) => Math.floor(random() * n);
  const day = () => `2025-0${1 + int(6)}-${String(1 + int(28)).padStart(2, '0')}`;
  for (let i = 0; ; i++) {
    yield {
      user_data: {
        user_id: `stu_${100000 + i}`,
        profile: {
          resume_uploaded: random() < 0.5,
          goal_tags: ['GRE', 'data science', 'python', 'ml'].slice(0, 1 + int(4)),
          karma: int(500),
          projects_added: int(5),
          quiz_history: [day(), 'python', day()].slice(0, int(4)),
          clubs_joined: ['ai-club', 'chess'].slice(0, int(3)),
          buddy_count: int(10),
        },
        activity: {
          login_streak: int(30),
          posts_created: int(10),
          buddies_interacted: int(5),
          last_event_attended: day(),
          last_quiz_taken: day(),
        },
      },
      peer_snapshot: {
        batch_avg_projects: int(4),
        batch_resume_uploaded_pct: int(100),
        batch_event_attendance: { 'startup-meetup': int(20), 'coding-contest': int(20) },
        buddies_attending_events: ['coding-contest'].slice(0, int(2)),
      },
    };
  }
}

/** A batch body of just under `bytes`, and its item count. */
function batchBody(bytes) {
  const items = [];
  let size = 40;
  for (const item of learners()) {
    const length = JSON.stringify(item).length + 1;
    if (size + length > bytes) break;
    items.push(item);
    size += length;
  }
  return { body: Buffer.from(JSON.stringify({ as_of: '2025-06-30', items })), count: items.length };
}

function processTree(pid) {
  try {
    const children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    return [pid, ...children.split('\n').filter(Boolean).map(Number)];
  } catch {
    return [pid];
  }
}

/**
 * VmRSS, VmHWM and PSS of a process, in MB. Summed over a pod's processes VmRSS counts the pages
 * they share (the node binary, some 48 MB each) once per process; PSS splits each shared page
 * between its sharers, so the sum of PSS is what the processes hold together, as the container's
 * memory accounting counts it.
 */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return {
      rss: kb(status, 'VmRSS') / 1024,
      hwm: kb(status, 'VmHWM') / 1024,
      pss: kb(rollup, 'Pss') / 1024,
    };
  } catch {
    return { rss: 0, hwm: 0, pss: 0 };
  }
}

async function start(env) {
  const port = await freePort();
  const managementPort = await freePort();
  const child = spawn(process.execPath, ['--max-old-space-size=192', MAIN], {
    env: {
      WORKERS: '2',
      LOG_LEVEL: 'warn',
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Ready, and every worker listening (the supervisor's readiness lists them all).
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ready = (await call(managementPort, '/health/ready'))[0] === 200;
    if (ready && (await call(port, '/health'))[0] === 200) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 2000));
  return { child, port, managementPort };
}

async function stop(service) {
  const exited = new Promise((resolve) => service.child.on('exit', (code) => resolve(code)));
  service.child.kill('SIGTERM');
  return exited;
}

/** Probes `path` every 100 ms until `done` resolves: latencies, and what was not a 200. */
async function probeUntil(port, path, done) {
  let finished = false;
  void done.then(() => (finished = true));
  const latencies = [];
  const failures = [];
  const pending = [];
  while (!finished) {
    pending.push(
      call(port, path, { timeoutMs: 5000 }).then(([status, ms]) => {
        latencies.push(ms);
        if (status !== 200) failures.push(status);
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { count: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies.at(-1), failures };
}

function which(command) {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CONNECTIONS connections posting the example analysis for DURATION_S. */
async function load(port) {
  const body = JSON.stringify({ ...learners().next().value, as_of: '2025-06-30' });
  if (which('wrk')) {
    const script = join(tmpdir(), `bench-overload-${process.pid}.lua`);
    writeFileSync(
      script,
      `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`,
    );
    const output = await new Promise((resolve) => {
      const wrk = spawn('wrk', [
        `-c${CONNECTIONS}`,
        '-t2',
        `-d${DURATION_S}s`,
        '--timeout',
        '10s',
        '-s',
        script,
        `http://127.0.0.1:${port}/analyze-engagement`,
      ]);
      let text = '';
      wrk.stdout.on('data', (chunk) => (text += chunk));
      wrk.on('exit', () => resolve(text));
    });
    const number = (pattern) => Number(pattern.exec(output)?.[1] ?? 0);
    return {
      tool: 'wrk',
      requests: number(/(\d+) requests in/),
      rps: number(/Requests\/sec:\s+([\d.]+)/),
      non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
      timeouts: number(/timeout (\d+)/),
      errors: number(/connect (\d+)/) + number(/read (\d+)/) + number(/write (\d+)/),
    };
  }
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/analyze-engagement`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
  });
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    rps: result.requests.average,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    errors: result.errors - result.timeouts,
  };
}

async function overload() {
  const service = await start({});
  const done = load(service.port);
  const [result, probes, mainProbes] = await Promise.all([
    done,
    probeUntil(service.managementPort, '/health', done),
    probeUntil(service.port, '/health', done),
  ]);
  const exit = await stop(service);
  console.log(`load (${result.tool} -c${CONNECTIONS} ${DURATION_S}s POST /analyze-engagement):`);
  console.log(
    `  ${result.requests} requests, ${result.rps.toFixed(0)} req/s, ${result.non2xx} non-2xx (503 from admission), ${result.timeouts} timeouts, ${result.errors} socket errors`,
  );
  for (const [name, probe] of [
    ['management port /health', probes],
    ['main port /health', mainProbes],
  ]) {
    console.log(
      `  ${name}: ${probe.count} probes, p50 ${probe.p50.toFixed(1)} ms, p99 ${probe.p99.toFixed(1)} ms, max ${probe.max.toFixed(1)} ms, not 200: ${probe.failures.length}${probe.failures.length > 0 ? ` (${[...new Set(probe.failures)].join(', ')})` : ''}`,
    );
  }
  console.log(`  exit code after SIGTERM: ${exit}`);
}

/** One client posting a batch until it is answered, waiting Retry-After after each 503. */
async function batchClient(port, body, deadline) {
  let attempts = 0;
  for (;;) {
    attempts++;
    const [status] = await call(port, '/analyze-engagement/batch', {
      method: 'POST',
      body,
      timeoutMs: 120_000,
    });
    if (status !== 503 || Date.now() > deadline) return { status, attempts };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function batches() {
  const { body, count } = batchBody(BATCH_BYTES);
  const service = await start({ BATCH_MAX_ITEMS: String(count) });
  const tree = processTree(service.child.pid);
  const peak = { rss: 0, pss: 0 };
  const sampler = setInterval(() => {
    const now = processTree(service.child.pid).map(memory);
    peak.rss = Math.max(
      peak.rss,
      now.reduce((sum, m) => sum + m.rss, 0),
    );
    peak.pss = Math.max(
      peak.pss,
      now.reduce((sum, m) => sum + m.pss, 0),
    );
  }, 100);
  const started = performance.now();
  // BATCH_RETRY=0: each client posts once, as a burst of 64 batches would arrive.
  const deadline = Date.now() + (process.env.BATCH_RETRY === '0' ? 0 : 600_000);
  const clients = await Promise.all(
    Array.from({ length: BATCHES }, () => batchClient(service.port, body, deadline)),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const perProcess = processTree(service.child.pid).map((pid) => ({ pid, ...memory(pid) }));
  const exit = await stop(service);
  const statuses = {};
  for (const { status } of clients) statuses[status] = (statuses[status] ?? 0) + 1;
  const attempts = clients.reduce((sum, client) => sum + client.attempts, 0);
  console.log(
    `batches: ${BATCHES} clients × ${(body.length / 1024 / 1024).toFixed(2)} MB (${count} items), ${process.env.BATCH_RETRY === '0' ? 'one try each' : 'each retrying after a 503 until answered'}, in ${seconds.toFixed(1)} s: ${JSON.stringify(statuses)} after ${attempts} attempts`,
  );
  console.log(
    `  peak memory, supervisor + workers (sampled every 100 ms): ${peak.pss.toFixed(0)} MB PSS summed (what the pod holds), ${peak.rss.toFixed(0)} MB VmRSS summed (shared pages counted per process)`,
  );
  for (const { pid, hwm } of perProcess) {
    console.log(
      `  VmHWM ${pid === tree[0] ? 'supervisor' : `worker ${pid}`}: ${hwm.toFixed(0)} MB`,
    );
  }
  console.log(`  exit code after SIGTERM: ${exit}`);
}

const sections = process.argv.slice(2);
if (sections.length === 0 || sections.includes('load')) await overload();
if (sections.length === 0 || sections.includes('batches')) await batches();
