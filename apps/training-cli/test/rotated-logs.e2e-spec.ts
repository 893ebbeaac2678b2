import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runBuiltCli } from './run-cli';

/** The logging policy: rules only, exploring with ε = 0.2, a 10% holdout. */
const LOGGING = { policy: { exploration_epsilon: 0.2 }, assignment: { holdout_percent: 10 } };
/** ope's candidate: the same rules, one slot. */
const ONE_SLOT = { max_nudges: 1, assignment: { holdout_percent: 10 } };

/** Every number in `actual` within `tolerance` of `expected`'s, and everything else equal. */
function expectClose(actual: unknown, expected: unknown, tolerance: number, at = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > tolerance) {
      throw new Error(`${at}: ${actual} is not within ${tolerance} of ${expected}`);
    }
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object)).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, tolerance, `${at}.${key}`);
    }
  } else {
    expect(actual).toEqual(expected);
  }
}

/** What each of 3 shards of `command` prints: one line, its partial `parts/<command>-<i>.json`. */
const shardSummaries = (command: string) =>
  [0, 1, 2].map((i) =>
    expect.stringMatching(
      new RegExp(
        `^${command} shard ${i}/3: \\d+ decisions of the log's \\d+ lines in [\\d.]+ s -> .*${command}-${i}\\.json\n$`,
      ),
    ),
  );

/** Lines of the decisions log the collector received twice: the last batch of the first file. */
const RETRIED = 40;

/**
 * A platform's logs as the API will write them: rotated into files, the older ones gzipped, and
 * a batch a collector received twice. `uplift` and `ope` read them as they read the one file
 * the simulator wrote, and say that they skipped the copies.
 */
describe('training-cli on logs kept in several files', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  const ndjson = (lines: string[]) => lines.map((line) => `${line}\n`).join('');

  /** The simulator's log as lines, without the last empty one. */
  async function lines(name: string): Promise<string[]> {
    return (await readFile(path(`logs/${name}`), 'utf8')).split('\n').slice(0, -1);
  }

  /** The logs as the simulator wrote them, a file each. */
  const original = () => [
    '--decisions',
    path('logs/decisions.ndjson'),
    '--outcomes',
    path('logs/outcomes.ndjson'),
  ];
  /** The same logs, rotated: a glob for the decisions, each outcomes file named. */
  const rotated = () => [
    '--decisions',
    path('rotated/decisions-*.ndjson*'),
    '--outcomes',
    path('rotated/outcomes-1.ndjson.gz'),
    '--outcomes',
    path('rotated/outcomes-2.ndjson'),
  ];
  const copiesWarning = () =>
    `warning: ${path('rotated/decisions-*.ndjson*')} (2 files): skipped ${RETRIED} lines repeating an earlier line of the same decision_id byte for byte, as a batch sent twice leaves them (the first on ${path('rotated/decisions-2.ndjson.gz')} line 1)\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rotated-logs-'));
    await writeFile(path('logging.json'), JSON.stringify(LOGGING));
    await writeFile(path('one-slot.json'), JSON.stringify(ONE_SLOT));
    const simulated = await runBuiltCli([
      'simulate-platform',
      '--users',
      '400',
      '--days',
      '2',
      '--seed',
      '5',
      '--config',
      path('logging.json'),
      '--models-dir',
      path('no-models'),
      '--out-dir',
      path('logs'),
    ]);
    expect(simulated.code).toBe(0);

    await mkdir(path('rotated'));
    const decisions = await lines('decisions.ndjson');
    const half = Math.floor(decisions.length / 2);
    await writeFile(path('rotated/decisions-1.ndjson'), ndjson(decisions.slice(0, half)));
    await writeFile(
      path('rotated/decisions-2.ndjson.gz'),
      gzipSync(ndjson(decisions.slice(half - RETRIED))),
    );
    const outcomes = await lines('outcomes.ndjson');
    const middle = Math.floor(outcomes.length / 2);
    await writeFile(
      path('rotated/outcomes-1.ndjson.gz'),
      gzipSync(ndjson(outcomes.slice(0, middle))),
    );
    await writeFile(path('rotated/outcomes-2.ndjson'), ndjson(outcomes.slice(middle)));
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uplift prints exactly what it prints for the one file, and warns of the copies', async () => {
    for (const format of [[], ['--json']]) {
      const uplift = (logs: string[]) =>
        runBuiltCli(['uplift', ...logs, '--config', path('logging.json'), ...format]);
      const expected = await uplift(original());
      expect(expected.code).toBe(0);
      expect(expected.stderr).toBe('');

      const sut = await uplift(rotated());

      expect(sut.code).toBe(0);
      expect(sut.stdout).toBe(expected.stdout);
      expect(sut.stderr).toBe(copiesWarning());
    }
  }, 30_000);

  it('uplift in 3 shards and combine give what one process gives, to 1e-9', async () => {
    const uplift = (...extra: string[]) =>
      runBuiltCli(['uplift', ...rotated(), '--config', path('logging.json'), ...extra]);
    const combine = (...extra: string[]) =>
      runBuiltCli(['combine', '--partial', path('parts/uplift-*.json'), ...extra]);
    await mkdir(path('parts'), { recursive: true });
    const one = await uplift('--json');
    const text = await uplift();

    const shards = await Promise.all(
      [0, 1, 2].map((i) =>
        uplift('--shard', `${i}/3`, '--partial', path(`parts/uplift-${i}.json`)),
      ),
    );
    const sut = await combine('--json');

    expect(shards.map((shard) => shard.code)).toEqual([0, 0, 0]);
    expect(shards.map((shard) => shard.stdout)).toEqual(shardSummaries('uplift'));
    expect(sut.code).toBe(0);
    expect(sut.stderr).toBe(copiesWarning());
    expectClose(JSON.parse(sut.stdout), JSON.parse(one.stdout), 1e-9);
    expect((await combine()).stdout).toBe(text.stdout);
  }, 60_000);

  it('combine refuses a missing shard, a shard twice and partials of different runs', async () => {
    const combine = (...partials: string[]) =>
      runBuiltCli(['combine', ...partials.flatMap((partial) => ['--partial', path(partial)])]);
    const other = await runBuiltCli([
      'uplift',
      ...original(),
      '--config',
      path('logging.json'),
      '--window-days',
      '3',
      '--shard',
      '1/3',
      '--partial',
      path('parts/other-1.json'),
    ]);
    expect(other.code).toBe(0);

    const missing = await combine('parts/uplift-0.json', 'parts/uplift-2.json');
    const twice = await combine(
      'parts/uplift-0.json',
      'parts/uplift-0.json',
      'parts/uplift-2.json',
    );
    const mixed = await combine('parts/uplift-0.json', 'parts/other-1.json', 'parts/uplift-2.json');

    expect(missing.stderr).toBe(
      'error: shard 1/3 missing: combine needs the partial of every shard\n',
    );
    // The same file named twice is read once.
    expect(twice.stderr).toBe(missing.stderr);
    expect(mixed.stderr).toBe(
      `error: ${path('parts/other-1.json')}: --window-days 3, but ${path('parts/uplift-0.json')} has 7: the partials are of different runs\n`,
    );
    expect([missing.code, mixed.code]).toEqual([2, 2]);
  }, 30_000);

  it('uplift refuses --shard without --partial, and a report flag with it', async () => {
    const uplift = (...extra: string[]) =>
      runBuiltCli(['uplift', ...original(), '--config', path('logging.json'), ...extra]);
    expect((await uplift('--shard', '0/2')).stderr).toBe(
      'error: --shard: give --partial FILE too: a shard writes a partial for combine\n',
    );
    expect((await uplift('--partial', path('parts/x.json'), '--html', path('x.html'))).stderr).toBe(
      'error: --html: give it to combine: a partial has no report\n',
    );
    expect((await uplift('--shard', '3/3', '--partial', path('parts/x.json'))).code).toBe(2);
  }, 30_000);

  /** `ope` of the one-slot candidate on the logging policy's logs, without models. */
  const opeArgs = (logs: string[]) => [
    'ope',
    ...logs,
    '--logging-config',
    path('logging.json'),
    '--logging-models-dir',
    path('no-models'),
    '--config',
    path('one-slot.json'),
    '--models-dir',
    path('no-models'),
    '--bootstrap',
    '200',
  ];

  it('ope prints exactly what it prints for the one file, and warns of the copies', async () => {
    const ope = (logs: string[]) => runBuiltCli(opeArgs(logs));
    const expected = await ope(original());
    expect(expected.code).toBe(0);

    const sut = await ope(rotated());

    expect(sut.code).toBe(0);
    expect(sut.stdout).toBe(expected.stdout);
    // The same warnings (models that do not load), then the copies.
    expect(sut.stderr).toBe(`${expected.stderr}${copiesWarning()}`);
  }, 30_000);

  it('ope in 3 shards and combine give what one process on two threads gives, to 1e-9', async () => {
    const ope = (...extra: string[]) => runBuiltCli([...opeArgs(rotated()), ...extra]);
    const combine = (...extra: string[]) =>
      runBuiltCli(['combine', '--partial', path('parts/ope-*.json'), ...extra]);
    await mkdir(path('parts'), { recursive: true });
    const one = await ope('--json', '--threads', '2');
    const text = await ope('--threads', '1');

    const shards = await Promise.all(
      [0, 1, 2].map((i) => ope('--shard', `${i}/3`, '--partial', path(`parts/ope-${i}.json`))),
    );
    const sut = await combine('--json');

    expect(shards.map((shard) => shard.code)).toEqual([0, 0, 0]);
    expect(shards.map((shard) => shard.stdout)).toEqual(shardSummaries('ope'));
    expect(sut.code).toBe(0);
    expect(sut.stderr).toBe(copiesWarning());
    const report = JSON.parse(one.stdout);
    expect(report.decisions).toBeGreaterThan(600);
    expectClose(JSON.parse(sut.stdout), report, 1e-9);
    expect((await combine()).stdout).toBe(text.stdout);

    // Partials of uplift and ope do not mix; an uplift flag is refused for ope's.
    const mixed = await runBuiltCli([
      'combine',
      ...['--partial', path('parts/ope-0.json'), '--partial', path('parts/uplift-1.json')],
    ]);
    expect(mixed.stderr).toBe(
      `error: ${path('parts/uplift-1.json')}: a partial of uplift, but ${path('parts/ope-0.json')} is of ope: the partials are of different runs\n`,
    );
    expect((await combine('--target-lift', '1')).stderr).toBe(
      'error: --target-lift: an uplift setting, but these are ope partials\n',
    );
  }, 90_000);

  it('ope on two threads names the first line the logging policy could not have made', async () => {
    const decisions = await lines('decisions.ndjson');
    const served = (line: string) => !line.includes('"holdout":true');
    const forged = (line: string) =>
      line.replace(/"policy_version":"[^"]*"/, '"policy_version":"rules-only/0000000000000000"');
    await mkdir(path('forged'), { recursive: true });
    const [first, second] = [
      path('forged/decisions-1.ndjson'),
      path('forged/decisions-2.ndjson.gz'),
    ];
    const [one, two] = [decisions.slice(0, 300), decisions.slice(300)];
    const at = two.findIndex(served);
    await writeFile(first, ndjson(one));
    await writeFile(
      second,
      gzipSync(ndjson(two.map((line, i) => (i === at ? forged(line) : line)))),
    );

    const sut = await runBuiltCli([
      ...opeArgs([
        '--decisions',
        path('forged/decisions-*'),
        '--outcomes',
        path('logs/outcomes.ndjson'),
      ]),
      '--threads',
      '2',
    ]);

    expect(sut.code).toBe(2);
    expect(sut.stderr).toMatch(
      new RegExp(
        `error: ${second.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line ${at + 1}: policy_version: "rules-only/0000000000000000", but the logging policy \\(--logging-config .*\\) would log "[^"]+"; ope replays the policy that made the logs`,
      ),
    );
  }, 30_000);

  it('uplift on two threads names the first bad line of the log, whichever thread read it', async () => {
    const decisions = await lines('decisions.ndjson');
    const broken = (line: string) => line.replace(/"as_of":"[^"]*"/, '"as_of":"June"');
    await mkdir(path('bad'), { recursive: true });
    const [first, second] = [path('bad/decisions-1.ndjson'), path('bad/decisions-2.ndjson.gz')];
    const uplift = () =>
      runBuiltCli([
        'uplift',
        ...['--decisions', path('bad/decisions-*'), '--outcomes', path('logs/outcomes.ndjson')],
        ...['--config', path('logging.json'), '--threads', '2'],
      ]);
    const write = async (one: string[], two: string[]) => {
      await writeFile(first, ndjson(one));
      await writeFile(second, gzipSync(ndjson(two)));
    };
    const [one, two] = [decisions.slice(0, 300), decisions.slice(300)];

    await write(
      [...one.slice(0, 250), broken(one[250]), ...one.slice(251)],
      [broken(two[0]), ...two.slice(1)],
    );
    const both = await uplift();
    await write(one, [...two.slice(0, 9), broken(two[9]), ...two.slice(10)]);
    const later = await uplift();

    expect(both.code).toBe(2);
    expect(both.stderr).toBe(`error: ${first} line 251: as_of: must be a YYYY-MM-DD date\n`);
    expect(later.stderr).toBe(`error: ${second} line 10: as_of: must be a YYYY-MM-DD date\n`);
  }, 30_000);

  it('refuses a glob that matches no file, and a damaged .gz file, naming them', async () => {
    const uplift = (...logs: string[]) =>
      runBuiltCli(['uplift', ...logs, '--config', path('logging.json')]);
    const nothing = await uplift(...rotated(), '--decisions', path('rotated/decisions-9*'));
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toBe(
      `error: --decisions ${path('rotated/decisions-9*')}: no file matches\n`,
    );

    // An unquoted glob, expanded by the shell: the second file is an argument, refused.
    const [first, second] = (await readdir(path('rotated'))).sort();
    const expanded = await uplift(
      ...rotated(),
      '--decisions',
      path(`rotated/${first}`),
      path(`rotated/${second}`),
    );
    expect(expanded.code).toBe(2);
    expect(expanded.stderr).toBe(
      "error: too many arguments for 'uplift'. Expected 0 arguments but got 1.\n",
    );

    await writeFile(path('damaged.ndjson.gz'), 'not gzip\n');
    const damaged = await uplift(...rotated(), '--outcomes', path('damaged.ndjson.gz'));
    expect(damaged.code).toBe(2);
    expect(damaged.stdout).toBe('');
    expect(damaged.stderr).toBe(
      `error: ${path('damaged.ndjson.gz')}: not valid gzip: incorrect header check\n`,
    );
  }, 30_000);
});
