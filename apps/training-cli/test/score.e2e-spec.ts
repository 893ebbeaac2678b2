import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { parseCalendarDate } from '@app/learner';
import { parseDecisionLine, validateAnalyzeRequest } from '@app/contract';
import { decisionLineOf, EngagementModule, EngagementService, LiveEngine } from '@app/engagement';
import {
  learnerRecord,
  simulateLearner,
  simulateSnapshot,
  userId,
} from '../src/offline/simulate/learner-simulator';
import { Random } from '../src/cli/random';
import { engineVersion, scoredDecisionId } from '../src/score/decision-ids';
import { ScoreCommand } from '../src/score/score.command';
import { BUILT_CLI, REPO_ROOT, runBuiltCli, runCli } from './run-cli';

const AS_OF = '2025-06-30';

/** 2,500 simulated learners as NDJSON, with broken lines at known places. */
function inputLines(): string[] {
  const random = new Random(3, 5);
  const asOf = parseCalendarDate(AS_OF)!;
  const snapshots = [0, 1, 2].map((i) => simulateSnapshot(random, i));
  const lines = Array.from({ length: 2500 }, (_, i) => {
    const snapshot = snapshots[i % 3];
    const record = learnerRecord(
      simulateLearner(random, userId(i, 2500), snapshot, asOf),
      snapshot,
    );
    // Lines take a locale as requests do.
    const locale = i % 7 === 0 ? 'es' : i % 11 === 0 ? 'hi' : undefined;
    return JSON.stringify(locale === undefined ? record : { ...record, locale });
  });
  lines[4] = '{"user_data": ';
  lines[1199] = lines[1199].replace(/"karma":\d+/, '"karma":-1');
  lines[2499] = '';
  return lines;
}

describe(ScoreCommand.name, () => {
  let dir: string;
  let engine: INestApplicationContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'score-'));
    engine = await NestFactory.createApplicationContext(
      EngagementModule.forRootAsync({
        useFactory: () => ({
          configPath: join(REPO_ROOT, 'config/config.json'),
          modelsDir: join(REPO_ROOT, 'models'),
        }),
      }),
      { logger: false },
    );
  });

  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every line in order, on 2 threads, exactly as the API engine does, and logs each decision as the API does', async () => {
    const lines = inputLines();
    await writeFile(join(dir, 'in.ndjson'), lines.join('\n') + '\n');
    const run = await runBuiltCli([
      'score',
      '--in',
      join(dir, 'in.ndjson'),
      '--out',
      join(dir, 'out.ndjson'),
      '--decisions-out',
      join(dir, 'decisions.ndjson'),
      '--workers',
      '2',
      '--as-of',
      AS_OF,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^score: 2500 lines → .*out\.ndjson \(3 errors\) in [\d.]+ s, \d+ lines\/s, 2 workers, models [0-9a-f]{16}\n$/,
    );

    const output = (await readFile(join(dir, 'out.ndjson'), 'utf8')).split('\n');
    expect(output.pop()).toBe('');
    expect(output).toHaveLength(2500);
    const engagement = engine.get(EngagementService);
    const version = engineVersion(engine.get(LiveEngine).state);
    const asOf = parseCalendarDate(AS_OF)!;
    const decisions = (await readFile(join(dir, 'decisions.ndjson'), 'utf8')).split('\n');
    expect(decisions.pop()).toBe('');
    const logged: string[] = [];
    output.forEach((line, i) => {
      const parsed = JSON.parse(line) as { line?: number; error?: { message: string } };
      if (i === 4 || i === 1199 || i === 2499) {
        expect(parsed.line).toBe(i + 1);
        return;
      }
      const valid = validateAnalyzeRequest(JSON.parse(lines[i]), asOf);
      if (!valid.ok) throw new Error(`line ${i + 1} should be valid`);
      // A line without a decision id gets the one derived from it (learner, as_of, engine
      // version), which also seeds its exploration: the answer is the engine's for that id.
      const id = scoredDecisionId(valid.value, version);
      expect(JSON.parse(line)).toMatchObject({ decision_id: id });
      valid.value.request.decision_id = id;
      const analysis = engagement.analyze(valid.value);
      expect(line).toBe(JSON.stringify(analysis));
      logged.push(decisionLineOf(valid.value, analysis, 'full'));
    });
    // One line per answered line, in order, each one the readers accept.
    expect(decisions.map((line) => `${line}\n`)).toEqual(logged);
    decisions.forEach((line, i) => parseDecisionLine(line, `line ${i + 1}`));
    expect(new Set(output.map((line) => JSON.parse(line).decision_id)).size).toBe(2500 - 3 + 1);
    const locales = output.map((line) => (JSON.parse(line) as { locale?: string }).locale);
    expect(locales.filter((locale) => locale === 'es')).toHaveLength(357);
    expect(locales.filter((locale) => locale === 'hi')).toHaveLength(194);
    expect(JSON.parse(output[4]).error.detail).toMatch(/^line is not valid JSON: /);
    expect(JSON.parse(output[1199]).error.errors).toEqual([
      {
        path: 'user_data.profile.karma',
        message: 'user_data.profile.karma must be a non-negative integer',
      },
    ]);
    expect(JSON.parse(output[2499]).error).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'line is empty; expected a JSON object',
    });
  }, 60_000);

  it('scores in shards whose outputs and decisions logs, concatenated in order, are the unsharded ones, rerun or not', async () => {
    // No line carries a decision id: the derived ones make every run write the same bytes.
    const input = join(dir, 'sharded-in.ndjson');
    await writeFile(input, inputLines().join('\n') + '\n');
    const score = (out: string, ...extra: string[]) =>
      runBuiltCli([
        'score',
        '--in',
        input,
        '--out',
        join(dir, out),
        '--decisions-out',
        join(dir, `decisions-${out}`),
        '--workers',
        '1',
        '--as-of',
        AS_OF,
        ...extra,
      ]);
    expect((await score('whole.ndjson')).code).toBe(0);
    expect((await score('again.ndjson', '--workers', '2')).code).toBe(0);
    const whole = await readFile(join(dir, 'whole.ndjson'));
    expect((await readFile(join(dir, 'again.ndjson'))).equals(whole)).toBe(true);
    const runs = await Promise.all(
      [0, 1, 2].map((i) => score(`shard-${i}.ndjson`, '--shard', `${i}/3`)),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0]);
    expect(runs.map((run) => /^score shard (\d)\/3: (\d+) lines/.exec(run.stdout)?.[1])).toEqual([
      '0',
      '1',
      '2',
    ]);
    const counts = runs.map((run) => Number(/: (\d+) lines/.exec(run.stdout)?.[1]));
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(2500);
    expect(Math.min(...counts)).toBeGreaterThan(700);
    const shards = await Promise.all(
      [0, 1, 2].map((i) => readFile(join(dir, `shard-${i}.ndjson`))),
    );
    expect(Buffer.concat(shards).equals(whole)).toBe(true);
    const decisions = await Promise.all(
      ['whole', 'again', 'shard-0', 'shard-1', 'shard-2'].map((name) =>
        readFile(join(dir, `decisions-${name}.ndjson`)),
      ),
    );
    expect(decisions[1].equals(decisions[0])).toBe(true);
    expect(Buffer.concat(decisions.slice(2)).equals(decisions[0])).toBe(true);
    expect(decisions[0].toString().split('\n')).toHaveLength(2500 - 3 + 1);
    // Error lines keep their number in the whole file, whichever shard met them.
    const last = shards[2].toString().trimEnd().split('\n');
    expect(JSON.parse(last[last.length - 1])).toMatchObject({ line: 2500, error: { status: 400 } });
  }, 60_000);

  it('answers a line over --max-line-bytes with a 413 in its place and scores the others', async () => {
    const [first, , third] = inputLines();
    // 1.2 MB of valid JSON: over the 1 MiB default, so it is skipped unparsed.
    const long = `{"user_data":{"user_id":"long","pad":"${'x'.repeat(1_200_000)}"}}`;
    const input = join(dir, 'long-line.ndjson');
    await writeFile(input, `${first}\n${long}\r\n${third}`);
    const out = join(dir, 'long-line-out.ndjson');

    const sut = await runBuiltCli(['score', '--in', input, '--out', out, '--workers', '1']);

    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/^score: 3 lines → .*long-line-out\.ndjson \(1 errors\) in /);
    const output = (await readFile(out, 'utf8')).split('\n');
    expect(output).toHaveLength(4);
    expect(output[1]).toBe(
      `{"line":2,"error":{"type":"about:blank","title":"Payload Too Large","status":413,"detail":"line is ${long.length} bytes, over the limit of 1048576 (--max-line-bytes)"}}`,
    );
    expect(JSON.parse(output[0])).toMatchObject({ user_id: 'stu_0001', status: 'generated' });
    expect(JSON.parse(output[2])).toMatchObject({ user_id: 'stu_0003', status: 'generated' });
    expect(output[3]).toBe('');
  }, 60_000);

  it('scores a block too big for a shared slot, and answers too big for one, in their place', async () => {
    const [first, , third] = inputLines();
    // 1.5 MB of JSON (under --max-line-bytes here): its block is over an input slot's 1.25 MB.
    const long = `{"user_data":{"user_id":"long","pad":"${'x'.repeat(1_500_000)}"}}`;
    // 3 bytes a line in, 300 out: the same block's answers are over an output slot's 4 MB.
    const empty = Array.from({ length: 20_000 }, () => '{}');
    const input = join(dir, 'big-block.ndjson');
    await writeFile(input, [first, long, ...empty, third].join('\n'));
    const out = join(dir, 'big-block-out.ndjson');

    const sut = await runBuiltCli([
      'score',
      ...['--in', input, '--out', out, '--workers', '2', '--max-line-bytes', '2000000'],
    ]);

    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(
      /^score: 20003 lines → .*big-block-out\.ndjson \(20001 errors\) in /,
    );
    const output = (await readFile(out, 'utf8')).split('\n');
    expect(output).toHaveLength(20_004);
    expect(JSON.parse(output[0])).toMatchObject({ user_id: 'stu_0001', status: 'generated' });
    expect(JSON.parse(output[1])).toMatchObject({ line: 2, error: { status: 400 } });
    const required =
      '"errors":[{"path":"user_data","message":"user_data is required"},{"path":"peer_snapshot","message":"peer_snapshot is required"}]}}';
    const wrong = output.slice(2, 20_002).filter((line, i) => {
      return !line.startsWith(`{"line":${i + 3},"error":{`) || !line.endsWith(required);
    });
    expect(wrong).toEqual([]);
    expect(JSON.parse(output[20_002])).toMatchObject({ user_id: 'stu_0003', status: 'generated' });
    expect(output[20_003]).toBe('');
  }, 60_000);

  it('stops at SIGTERM mid-run with exit 143 and one line, leaving the previous output as it was', async () => {
    // Large enough that scoring is still under way when its first answers reach the disk.
    const input = join(dir, 'many.ndjson');
    await writeFile(input, `${inputLines().join('\n')}\n`.repeat(40));
    const killDir = await mkdtemp(join(tmpdir(), 'score-kill-'));
    const out = join(killDir, 'out.ndjson');
    await writeFile(out, 'previous answers\n');
    const child = spawn(process.execPath, [BUILT_CLI, 'score', '--in', input, '--out', out], {
      cwd: REPO_ROOT,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    /** The first file in the output's folder with bytes that are not the previous answers. */
    const written = async (): Promise<string | undefined> => {
      for (const name of await readdir(killDir)) {
        const size = (await stat(join(killDir, name))).size;
        if (name === 'out.ndjson' ? size !== 17 : size > 0) return name;
      }
      return undefined;
    };
    let writing: string | undefined;
    while (writing === undefined && child.exitCode === null) {
      await sleep(20);
      writing = await written();
    }
    child.kill('SIGTERM');
    const [code, signal] = await exited;

    expect(writing).toBe(`out.ndjson.${child.pid}.partial`);
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(stderr).toBe(`error: score interrupted by SIGTERM; ${out} left as it was\n`);
    expect(await readdir(killDir)).toEqual(['out.ndjson']);
    expect(await readFile(out, 'utf8')).toBe('previous answers\n');
    await rm(killDir, { recursive: true, force: true });
  }, 120_000);

  it.each([
    [['score', '--out', 'x.ndjson'], "error: required option '--in <path>' not specified"],
    [
      ['score', '--in', 'a', '--out', 'b', '--shard', '3/3'],
      "error: option '--shard <i/n>' argument '3/3' is invalid.",
    ],
    [
      ['score', '--in', '/no/such/file.ndjson', '--out', 'x.ndjson'],
      'error: --in /no/such/file.ndjson: no such file',
    ],
    [
      ['score', '--in', 'a', '--out', 'b', '--workers', '0'],
      "error: option '--workers <count>' argument '0' is invalid.",
    ],
    [
      ['score', '--in', 'a', '--out', 'b', '--as-of', '2025-02-30'],
      "error: option '--as-of <date>' argument '2025-02-30' is invalid.",
    ],
    [
      ['score', '--in', 'a', '--out', 'b', '--max-line-bytes', '0'],
      "error: option '--max-line-bytes <bytes>' argument '0' is invalid.",
    ],
    [
      ['score', '--in', 'a', '--out', 'b', '--decisions-request', 'some'],
      "error: option '--decisions-request <keep>' argument 'some' is invalid. Expected one of full, features, none.",
    ],
    [
      ['score', '--in', 'config/config.json', '--out', 'x.ndjson', '--decisions-out', './x.ndjson'],
      'error: --decisions-out ./x.ndjson: the same file as --out',
    ],
    [
      ['score', '--in', 'config/config.json', '--out', '/no/such/dir/out.ndjson'],
      'error: --out /no/such/dir/out.ndjson: cannot write it (ENOENT',
    ],
  ])('exits with code 2 naming the flag or file: %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
