// Decision-log bench (npm run bench:decision-log, after npm run build): the built service under
// sustained load (wrk, CONNECTIONS connections posting analyses for DURATION_S seconds) with
// DECISION_LOG=off; to a collector up throughout ("up"); to one down for the middle third of the
// run ("down"). Each run ends with SIGTERM, so the log is flushed.
// On a shared 2-core machine two identical runs a few minutes apart differ by up to a quarter in
// throughput and a third at p99, as the host's other load comes and goes. So each run with the log
// is bracketed by runs without it, per WORKERS value: off, then ROUNDS rounds of (up, off, down,
// off), every other round down first; a run with the log is compared with the mean of the two runs
// without it just before and after, which cancels a drift of the host's speed across the three. The
// summary gives the median of those ratios, and beside them the same ratio for each run without the
// log between two others (an A/A figure: the spread the bench reads where there is no difference).
// Prints, per run, throughput, p50/p99 and failures, the CPU the service and the collector took,
// and the books of the log: decisions made (the workers' closing lines; wrk's count leaves out
// the requests in flight when it stops), delivered (distinct decision ids the collector got),
// copies and dropped, which must add up.
// Environment: DURATION_S (60), CONNECTIONS (32), WORKER_COUNTS (1,2), ROUNDS (3),
// HTTP_ADAPTER (express).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/apps/api/apps/api/src/main.js');
const DURATION_S = Number(process.env.DURATION_S ?? 60);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const WORKER_COUNTS = (process.env.WORKER_COUNTS ?? '1,2').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** Clock ticks a second in /proc/PID/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const LINE_START = Buffer.from('{"decision_id":"');

/**
 * A collector on a fixed port that can go down (connections refused) and come back. It keeps the
 * gzipped bodies as they come and reads them once the run is over (readAll), as a collector that
 * stores batches and reads them later would: it runs on the cores the service is measured on,
 * and gunzipping and reading each batch as it came took 1.5 s of CPU a minute more than the
 * service's answers without the log.
 */
class Collector {
  ids = new Set();
  lines = 0;
  server = undefined;
  bodies = [];

  constructor(port) {
    this.port = port;
  }

  up() {
    this.server = createHttpServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        this.bodies.push(Buffer.concat(chunks));
        res.end();
      });
    });
    return new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  /** Reads every batch received. */
  readAll() {
    for (const body of this.bodies) this.read(gunzipSync(body));
    this.bodies = [];
  }

  /**
   * Counts the lines of a batch and notes their decision ids without parsing them (200,000 and
   * more lines a run): decisionLine writes decision_id first, a UUID or a client's id, neither
   * with escapes.
   */
  read(body) {
    for (let start = 0; start < body.length;) {
      const newline = body.indexOf(NEWLINE, start);
      const end = newline === -1 ? body.length : newline;
      if (end > start) {
        const from = start + LINE_START.length;
        if (!LINE_START.equals(body.subarray(start, from))) {
          throw new Error(`the collector got a line not beginning ${LINE_START}`);
        }
        this.lines++;
        this.ids.add(body.toString('latin1', from, body.indexOf(QUOTE, from)));
      }
      start = end + 1;
    }
  }

  down() {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    return new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  }
}

function get(port, path) {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    })
      .on('error', () => resolve(0))
      .end();
  });
}

/** CPU seconds (user + system) of a process and its children alive now, from /proc. */
function cpuSecondsOfTree(pid) {
  const stat = (id) => {
    try {
      // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
      const text = readFileSync(`/proc/${id}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = stat(entry);
    if (fields === undefined) continue;
    if (Number(entry) === pid || Number(fields[1]) === pid) {
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  return ticks / TICKS;
}

async function start(env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-old-space-size=192', MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const closing = [];
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line.includes('"context":"DecisionLog"')) continue;
      const match = /decision log closed: (\d+) lines made, (\d+) written, (\d+) dropped/.exec(
        line,
      );
      if (match) closing.push(match.slice(1).map(Number));
    }
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  while ((await get(port, '/health')) !== 200) await new Promise((r) => setTimeout(r, 200));
  // Every worker listening and warm before the clock starts.
  await new Promise((r) => setTimeout(r, 3000));
  return { child, port, closing, exited };
}

function wrk(port, seconds) {
  const script = join(tmpdir(), `bench-decision-log-${process.pid}.lua`);
  const body = JSON.stringify({
    user_data: {
      user_id: 'stu_7',
      profile: {
        resume_uploaded: false,
        goal_tags: ['GRE', 'data science'],
        karma: 120,
        projects_added: 1,
        quiz_history: ['2025-06-01', 'python'],
        clubs_joined: ['ai-club'],
        buddy_count: 6,
      },
      activity: {
        login_streak: 3,
        posts_created: 2,
        buddies_interacted: 4,
        last_event_attended: '2025-06-14',
        last_quiz_taken: '2025-06-01',
      },
    },
    peer_snapshot: {
      batch_avg_projects: 2,
      batch_resume_uploaded_pct: 84,
      batch_event_attendance: { 'startup-meetup': 12, 'coding-contest': 9 },
      buddies_attending_events: ['coding-contest'],
    },
    as_of: '2025-06-30',
  });
  writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`,
  );
  return new Promise((resolve) => {
    const child = spawn('wrk', [
      '-t2',
      `-c${CONNECTIONS}`,
      `-d${seconds}s`,
      '--latency',
      '-s',
      script,
      `http://127.0.0.1:${port}/analyze-engagement`,
    ]);
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('exit', () => {
      const ms = (pattern) => {
        const match = pattern.exec(text);
        if (!match) return NaN;
        const unit = match[2];
        return Number(match[1]) * (unit === 's' ? 1000 : unit === 'us' ? 0.001 : 1);
      };
      resolve({
        requests: Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN),
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN),
        p50: ms(/ 50%\s+([\d.]+)(us|ms|s)/),
        p99: ms(/ 99%\s+([\d.]+)(us|ms|s)/),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
        socketErrors: /Socket errors: (.*)/.exec(text)?.[1] ?? 'none',
      });
    });
  });
}

async function run(workers, mode, round) {
  const collector = new Collector(await freePort());
  if (mode !== 'off') await collector.up();
  const env = { WORKERS: String(workers) };
  if (mode !== 'off') Object.assign(env, { DECISION_LOG: `http://127.0.0.1:${collector.port}/d` });
  const service = await start(env);
  const serviceCpuBefore = cpuSecondsOfTree(service.child.pid);
  const collectorCpuBefore = process.cpuUsage();
  const load = wrk(service.port, DURATION_S);
  if (mode === 'down') {
    await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 3));
    await collector.down();
    await new Promise((r) => setTimeout(r, (DURATION_S * 1000) / 3));
    await collector.up();
  }
  const figures = await load;
  const serviceCpu = cpuSecondsOfTree(service.child.pid) - serviceCpuBefore;
  const { user, system } = process.cpuUsage(collectorCpuBefore);
  service.child.kill('SIGTERM');
  const code = await service.exited;
  await collector.down();
  collector.readAll();
  const made = service.closing.reduce((sum, [lines]) => sum + lines, 0);
  const dropped = service.closing.reduce((sum, [, , lost]) => sum + lost, 0);
  return {
    workers,
    mode,
    round,
    serviceCpu,
    // The bench's own process: the collector, and the little it does to run wrk.
    collectorCpu: (user + system) / 1e6,
    code,
    ...figures,
    made,
    delivered: collector.ids.size,
    copies: collector.lines - collector.ids.size,
    dropped,
  };
}

const rows = [];
const runAndNote = async (workers, mode, round) => {
  rows.push(await run(workers, mode, round));
  console.error(`done: WORKERS=${workers} round ${round} ${mode}`);
};
for (const workers of WORKER_COUNTS) {
  await runAndNote(workers, 'off', 0);
  for (let round = 1; round <= ROUNDS; round++) {
    // Every other round starts with the collector down, so neither always runs first.
    const logged = round % 2 === 1 ? ['up', 'down'] : ['down', 'up'];
    for (const mode of logged) {
      await runAndNote(workers, mode, round);
      await runAndNote(workers, 'off', round);
    }
  }
}

/**
 * The runs without the log just before and after row `i`, of its own WORKERS value; undefined
 * for a row with none on one side (the first and last runs without the log).
 */
function bracket(i) {
  const before = rows
    .slice(0, i)
    .findLast((r) => r.workers === rows[i].workers && r.mode === 'off');
  const after = rows.slice(i + 1).find((r) => r.workers === rows[i].workers && r.mode === 'off');
  return before && after ? [before, after] : undefined;
}
/** A row's `key` over the mean of that of the runs without the log around it. */
function ratioToBracket(i, key) {
  const around = bracket(i);
  return around ? rows[i][key] / ((around[0][key] + around[1][key]) / 2) : undefined;
}
const cpuPerRequest = (r) => r.serviceCpu / r.requests;
for (const row of rows) row.cpuPerRequest = cpuPerRequest(row);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const addsUp = (row) => row.delivered + row.dropped === row.made;
const fixed = (value) => (value === undefined ? '—' : value.toFixed(3));

console.log(
  `decision log under load: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${ROUNDS} rounds, ${process.env.HTTP_ADAPTER ?? 'express'}; collector down for the middle third in "down"`,
);
console.log(
  '| WORKERS | round | log | req/s | p50 ms | p99 ms | p99 ÷ offs around | failed | exit | service CPU s | µs CPU/req | collector CPU s | made | delivered | copies | dropped | books |',
);
console.log(
  '| --: | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
);
rows.forEach((row, i) => {
  const logged = row.mode !== 'off';
  const books = logged ? (addsUp(row) ? 'add up' : 'DO NOT ADD UP') : '—';
  console.log(
    `| ${row.workers} | ${row.round} | ${row.mode} | ${row.rps.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${fixed(ratioToBracket(i, 'p99'))} | ${row.non2xx} non-2xx, socket errors ${row.socketErrors} | ${row.code} | ${row.serviceCpu.toFixed(1)} | ${(row.cpuPerRequest * 1e6).toFixed(0)} | ${row.collectorCpu.toFixed(1)} | ${logged ? row.made : '—'} | ${logged ? row.delivered : '—'} | ${logged ? row.copies : '—'} | ${logged ? row.dropped : '—'} | ${books} |`,
  );
});

console.log('');
console.log(
  'medians over the rounds, each run\'s ratio to the mean of the runs without the log just before and after it ("off": each run without the log between two others, an A/A figure):',
);
console.log(
  '| WORKERS | log | runs | req/s ÷ around | p50 ÷ around | p99 ÷ around | p99 ÷ around, each run | µs CPU/req ÷ around | failed | dropped | books |',
);
console.log('| --: | --- | --: | --: | --: | --: | --- | --: | --: | --: | --- |');
for (const workers of WORKER_COUNTS) {
  for (const mode of ['up', 'down', 'off']) {
    const indices = rows
      .map((row, i) => i)
      .filter((i) => rows[i].workers === workers && rows[i].mode === mode && bracket(i));
    if (indices.length === 0) continue;
    const runs = indices.map((i) => rows[i]);
    const ratios = (key) => indices.map((i) => ratioToBracket(i, key));
    const failed = runs.reduce((sum, r) => sum + r.non2xx + (r.socketErrors === 'none' ? 0 : 1), 0);
    const logged = mode !== 'off';
    console.log(
      `| ${workers} | ${mode} | ${runs.length} | ${fixed(median(ratios('rps')))} | ${fixed(median(ratios('p50')))} | ${fixed(median(ratios('p99')))} | ${ratios('p99').map(fixed).join(', ')} | ${fixed(median(ratios('cpuPerRequest')))} | ${failed} | ${logged ? runs.map((r) => r.dropped).join(', ') : '—'} | ${logged ? (runs.every(addsUp) ? 'add up' : 'DO NOT ADD UP') : '—'} |`,
    );
  }
}
