import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatCalendarDate, NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { FEATURE_NAMES, loadModelSet, sigmoid } from '@app/ml';
import { NUDGE_ACTIONS, OUTCOME_ACTIONS } from '@app/contract';
import { Random } from '../src/cli/random';
import { runBuiltCli } from './run-cli';

const FIRST_DAY = parseCalendarDate('2025-06-01')!;
const date = (offset: number) => formatCalendarDate(FIRST_DAY + offset);

/** The feature that decides whether a learner acts on a nudge; every other one is noise. */
const PREDICTIVE = 'log_login_streak';
const LEARNERS = 40;
const DECISIONS_PER_LEARNER = 10;
/** --holdout-days 7 of a log ending on 2025-06-30 tests on 2025-06-24 (day 23) onwards. */
const TEST_FROM = 23;

interface LoggedNudge {
  readonly type: (typeof NUDGE_TYPES)[number];
  readonly day: number;
  readonly label: number;
}

/**
 * 400 decisions of 40 learners, one every 3 days from 2025-06-01 to 2025-06-30; every tenth
 * learner is held out. A treated decision delivers three of the five types. The learner does a
 * delivered nudge's action that day with probability σ(3·(streak − 1.5)); one that does not,
 * does it the next day a third of the time, which the 1-day reward window must not count.
 */
function platformLogs() {
  const random = new Random(7);
  const decisions: string[] = [];
  const outcomes: string[] = [];
  const nudges: LoggedNudge[] = [];
  let n = 0;
  for (let learner = 0; learner < LEARNERS; learner++) {
    const userId = `learner-${learner}`;
    const holdout = learner % 10 === 0;
    for (let k = 0; k < DECISIONS_PER_LEARNER; k++, n++) {
      const day = (learner % 3) + 3 * k;
      const features = Object.fromEntries(
        FEATURE_NAMES.map((name) => [name, Math.round(random.between(0, 3) * 1000) / 1000]),
      );
      // Three types in a random order; slot 1 was the policy's best (0.85) or its exploration.
      const delivered = holdout
        ? []
        : Array.from(random.permutation(NUDGE_TYPES.length).subarray(0, 3), (t, slot) => ({
            type: NUDGE_TYPES[t],
            slot: slot + 1,
            propensity: slot > 0 ? 0.5 : random.bernoulli(0.25) ? 0.05 : 0.85,
          }));
      decisions.push(
        JSON.stringify({
          decision_id: `d-${n}`,
          user_id: userId,
          as_of: date(day),
          assignment: { holdout, bucket: holdout ? 0.01 : 0.5 },
          policy_version: 'rules-only/0123456789abcdef',
          features,
          candidates: [],
          delivered,
        }),
      );
      const acted = new Set<string>();
      for (const nudge of delivered) {
        const action = NUDGE_ACTIONS[nudge.type];
        const p = 1 / (1 + Math.exp(-3 * (features[PREDICTIVE] - 1.5)));
        if (random.bernoulli(p)) {
          acted.add(action);
          outcomes.push(JSON.stringify({ user_id: userId, action, at: `${date(day)}T12:00:00Z` }));
        } else if (random.bernoulli(1 / 3)) {
          outcomes.push(JSON.stringify({ user_id: userId, action, at: date(day + 1) }));
        }
      }
      // event_fomo and comeback ask for the same action: one attended event answers both.
      for (const nudge of delivered) {
        nudges.push({ type: nudge.type, day, label: acted.has(NUDGE_ACTIONS[nudge.type]) ? 1 : 0 });
      }
    }
  }
  return { decisions, outcomes, nudges };
}

/** Every fifth learner of the uplift logs is held out. */
const UPLIFT_LEARNERS = 100;
/** Served decisions explore and send nothing this often. */
const EXPLORE_NOTHING = 0.2;
/** What a nudge in slot 1 adds to the chance of its action that day. */
const TRUE_UPLIFT = 0.3;

/** A decision of the uplift logs: what it was, and which models it gives a row to. */
interface UpliftDecision {
  readonly day: number;
  /** The slot-1 type, or undefined when it sent nothing. */
  readonly treated: (typeof NUDGE_TYPES)[number] | undefined;
}

/**
 * 1,000 decisions of 100 learners, one every 3 days from 2025-06-01 to 2025-06-30; every fifth
 * learner is held out. A served decision sends nothing with probability 0.2 (slate propensity
 * 0.2), else a uniformly drawn type in slot 1 (propensity 0.8/5) and another in slot 2. Each
 * action happens that day with probability 0.35·σ(3·(streak − 1.5)), plus 0.3 for the action of
 * the slot-1 nudge: the slot-2 nudge changes nothing.
 */
function upliftPlatformLogs() {
  const random = new Random(11);
  const decisions: string[] = [];
  const outcomes: string[] = [];
  const made: UpliftDecision[] = [];
  for (let learner = 0, n = 0; learner < UPLIFT_LEARNERS; learner++) {
    const userId = `learner-${learner}`;
    const holdout = learner % 5 === 0;
    for (let k = 0; k < DECISIONS_PER_LEARNER; k++, n++) {
      const day = (learner % 3) + 3 * k;
      const features = Object.fromEntries(
        FEATURE_NAMES.map((name) => [name, Math.round(random.between(0, 3) * 1000) / 1000]),
      );
      const sendsNothing = holdout || random.bernoulli(EXPLORE_NOTHING);
      const [first, second] = random.permutation(NUDGE_TYPES.length);
      const delivered = sendsNothing
        ? []
        : [
            { type: NUDGE_TYPES[first], slot: 1, propensity: (1 - EXPLORE_NOTHING) / 5 },
            { type: NUDGE_TYPES[second], slot: 2, propensity: 0.5 },
          ];
      decisions.push(
        JSON.stringify({
          decision_id: `u-${n}`,
          user_id: userId,
          as_of: date(day),
          assignment: { holdout, bucket: holdout ? 0.01 : 0.5 },
          policy_version: 'rules-only/0123456789abcdef',
          features,
          candidates: [],
          delivered,
          slate_propensity: holdout ? 1 : sendsNothing ? EXPLORE_NOTHING : 0.08,
        }),
      );
      const treated = sendsNothing ? undefined : NUDGE_TYPES[first];
      made.push({ day, treated });
      const base = 0.35 / (1 + Math.exp(-3 * (features[PREDICTIVE] - 1.5)));
      for (const action of OUTCOME_ACTIONS) {
        const lift = treated !== undefined && NUDGE_ACTIONS[treated] === action ? TRUE_UPLIFT : 0;
        if (random.bernoulli(base + lift)) {
          outcomes.push(JSON.stringify({ user_id: userId, action, at: date(day) }));
        }
      }
    }
  }
  return { decisions, outcomes, made };
}

/** A saved Dense(1, sigmoid) model's probability, read straight from its weights.bin. */
async function savedProbability(modelJson: string, x: Float64Array): Promise<number> {
  const bytes = await readFile(join(modelJson, '..', 'weights.bin'));
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let z = floats[FEATURE_NAMES.length];
  for (let i = 0; i < FEATURE_NAMES.length; i++) z += floats[i] * x[i];
  return sigmoid(z);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ndjson = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

/** A temporary folder holding `logs` for one describe block; its paths are set before the tests. */
function logFolder(prefix: string, logs: { decisions: string[]; outcomes: string[] }) {
  const folder = { dir: '', decisions: '', outcomes: '' };
  beforeAll(async () => {
    folder.dir = await mkdtemp(join(tmpdir(), prefix));
    folder.decisions = join(folder.dir, 'decisions.ndjson');
    folder.outcomes = join(folder.dir, 'outcomes.ndjson');
    await writeFile(folder.decisions, ndjson(logs.decisions));
    await writeFile(folder.outcomes, ndjson(logs.outcomes));
  });
  afterAll(async () => {
    await rm(folder.dir, { recursive: true, force: true });
  });
  return folder;
}

/** The files of two model folders, which must be the same names with the same bytes. */
async function expectSameFiles(first: string, second: string): Promise<string[]> {
  const files = (await readdir(first, { recursive: true })).sort();
  expect(files).toEqual((await readdir(second, { recursive: true })).sort());
  for (const file of files.filter((name) => name.includes('.'))) {
    const bytes = await readFile(join(first, file));
    expect({ file, identical: bytes.equals(await readFile(join(second, file))) }).toEqual({
      file,
      identical: true,
    });
  }
  return files;
}

describe('training-cli train --from-log', () => {
  const logs = platformLogs();
  const folder = logFolder('train-from-log-', logs);

  function trainFromLog(modelsDir: string, ...extra: string[]) {
    return runBuiltCli([
      'train',
      '--from-log',
      '--decisions',
      folder.decisions,
      '--outcomes',
      folder.outcomes,
      '--models-dir',
      modelsDir,
      ...extra,
    ]);
  }

  it('writes models the API loads, with the logs they came from in the manifest', async () => {
    const modelsDir = join(folder.dir, 'models');

    const sut = await trainFromLog(modelsDir);

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const lines = sut.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      `train --from-log: ${folder.decisions} and ${folder.outcomes}: trained on the nudges delivered in 276 decisions from 2025-06-01 to 2025-06-23, tested on 84 decisions from 2025-06-24 to 2025-06-30; reward: the nudge's action within 1 day; weight: 1/(product of the propensities of slots 1..s) clipped at 10; deployed: models (version 3942fe755af03f3b)`,
    );
    NUDGE_TYPES.forEach((type, t) => {
      expect(lines[1 + t]).toMatch(
        new RegExp(
          `^${type}: \\d+ train rows \\(\\d+ positive\\), \\d+ test rows \\(\\d+ positive\\); test AUC 0\\.\\d{3} weighted, 0\\.\\d{3} unweighted; deployed 0\\.\\d{3} weighted, 0\\.\\d{3} unweighted$`,
        ),
      );
    });

    const modelSet = await loadModelSet(modelsDir);
    expect(modelSet.types).toEqual([...NUDGE_TYPES]);
    const manifest = JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8'));
    expect(lines[6]).toMatch(
      new RegExp(`^train --from-log: 5 models, version ${manifest.version} -> ${modelsDir} in `),
    );
    expect(modelSet.version).toBe(manifest.version);
    expect(manifest.logs).toEqual({
      decisions: { file: 'decisions.ndjson', sha256: sha256(ndjson(logs.decisions)), lines: 400 },
      outcomes: {
        file: 'outcomes.ndjson',
        sha256: sha256(ndjson(logs.outcomes)),
        lines: logs.outcomes.length,
      },
      first_day: '2025-06-01',
      last_day: '2025-06-30',
    });
    expect(manifest).toMatchObject({
      reward_days: 1,
      clip: 10,
      holdout_days: 7,
      test_from: '2025-06-24',
      feature_names: FEATURE_NAMES,
    });
    for (const type of NUDGE_TYPES) {
      const rows = logs.nudges.filter((nudge) => nudge.type === type);
      const train = rows.filter((nudge) => nudge.day < TEST_FROM);
      const test = rows.filter((nudge) => nudge.day >= TEST_FROM);
      const positives = (some: LoggedNudge[]) => some.filter((nudge) => nudge.label === 1).length;
      expect(manifest.models[type].path).toBe(`${type}/model.json`);
      expect(manifest.models[type].metrics).toMatchObject({
        train_rows: train.length,
        test_rows: test.length,
        train_positives: positives(train),
        test_positives: positives(test),
      });
      expect(manifest.models[type].metrics.test_auc_weighted).toBeGreaterThan(0.75);
      // The learner acts more often the higher the streak, whatever the nudge.
      const weights = modelSet.models.find((model) => model.type === type)!.weights;
      expect(weights[FEATURE_NAMES.indexOf(PREDICTIVE)]).toBeGreaterThan(0.5);
    }
    expect(logs.nudges).toHaveLength(1080);
  }, 60_000);

  it('writes the same bytes again from the same logs', async () => {
    const first = join(folder.dir, 'first');
    const second = join(folder.dir, 'second');

    await trainFromLog(first);
    await trainFromLog(second);

    expect(await expectSameFiles(first, second)).toContain('manifest.json');
  }, 60_000);

  it('trains the same models on the logs rotated into files, a gzipped one repeating a batch', async () => {
    // The first 250 decisions, then the last 50 of them again (a batch sent twice) and the rest.
    const rotated = [
      join(folder.dir, 'decisions-1.ndjson'),
      join(folder.dir, 'decisions-2.ndjson.gz'),
    ];
    const second = gzipSync(ndjson(logs.decisions.slice(200)));
    await writeFile(rotated[0], ndjson(logs.decisions.slice(0, 250)));
    await writeFile(rotated[1], second);
    const one = join(folder.dir, 'one-file');
    const several = join(folder.dir, 'several-files');
    const expected = await trainFromLog(one);
    const pattern = join(folder.dir, 'decisions-*.ndjson*');

    const sut = await runBuiltCli([
      'train',
      '--from-log',
      '--decisions',
      pattern,
      '--outcomes',
      folder.outcomes,
      '--models-dir',
      several,
    ]);

    expect(sut.code).toBe(0);
    expect(sut.stderr).toBe(
      `warning: ${pattern} (2 files): skipped 50 lines repeating an earlier line of the same decision_id byte for byte, as a batch sent twice leaves them (the first on ${rotated[1]} line 1)\n`,
    );
    // The summary names the logs as the flags did; the rest is the same but for the time.
    const summary = (stdout: string) => stdout.split('\n').slice(0, 6);
    expect(summary(sut.stdout)).toEqual(
      summary(expected.stdout.replace(folder.decisions, `${pattern} (2 files)`)),
    );
    // The same weights; the manifests differ only in the files they name.
    const weights = (await readdir(one, { recursive: true })).filter((name) =>
      name.endsWith('.bin'),
    );
    expect(weights).toHaveLength(NUDGE_TYPES.length);
    for (const file of weights) {
      const bytes = await readFile(join(one, file));
      expect({ file, identical: bytes.equals(await readFile(join(several, file))) }).toEqual({
        file,
        identical: true,
      });
    }
    const manifest = (dir: string) =>
      readFile(join(dir, 'manifest.json'), 'utf8').then((text) => JSON.parse(text));
    const { logs: severalLogs, ...severalRest } = await manifest(several);
    const { logs: oneLog, ...oneRest } = await manifest(one);
    expect(severalRest).toEqual(oneRest);
    expect(severalLogs).toEqual({
      ...oneLog,
      decisions: [
        {
          file: 'decisions-1.ndjson',
          sha256: sha256(ndjson(logs.decisions.slice(0, 250))),
          lines: 250,
        },
        {
          file: 'decisions-2.ndjson.gz',
          sha256: createHash('sha256').update(second).digest('hex'),
          lines: 200,
        },
      ],
    });
  }, 60_000);

  it('names the line of a decision without features, exits 2 and writes nothing', async () => {
    const bare = logs.decisions.map((line) => {
      const decision = JSON.parse(line);
      delete decision.features;
      return JSON.stringify(decision);
    });
    const bad = join(folder.dir, 'bare-decisions.ndjson');
    await writeFile(bad, ndjson(bare));
    const modelsDir = join(folder.dir, 'bare-models');

    const sut = await runBuiltCli([
      'train',
      '--from-log',
      '--decisions',
      bad,
      '--outcomes',
      folder.outcomes,
      '--models-dir',
      modelsDir,
    ]);

    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toBe(
      `error: ${bad} line 1: features: must be an object of feature names to numbers\n`,
    );
    await expect(readdir(modelsDir)).rejects.toThrow('ENOENT');
  }, 30_000);

  it.each([
    [['--decisions', 'data/decisions.ndjson'], 'error: --decisions needs --from-log'],
    [
      ['--from-log', '--clip', '0.5'],
      "error: option '--clip <weight>' argument '0.5' is invalid. Expected a number from 1 to 1000000.",
    ],
  ])(
    'refuses train %p with exit code 2',
    async (args, message) => {
      const sut = await runBuiltCli(['train', ...args]);

      expect(sut.code).toBe(2);
      expect(sut.stderr).toBe(`${message}\n`);
    },
    30_000,
  );
});

describe('training-cli train --from-log --objective uplift', () => {
  const logs = upliftPlatformLogs();
  const folder = logFolder('train-uplift-', logs);

  function trainUplift(modelsDir: string, decisions = folder.decisions) {
    return runBuiltCli([
      'train',
      '--from-log',
      '--objective',
      'uplift',
      '--decisions',
      decisions,
      '--outcomes',
      folder.outcomes,
      '--models-dir',
      modelsDir,
    ]);
  }

  it('writes an uplift set the API loads, whose uplift is treated − control of the saved weights', async () => {
    const modelsDir = join(folder.dir, 'models');

    const sut = await trainUplift(modelsDir);

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const lines = sut.stdout.trimEnd().split('\n');
    // The headline, 9 models, 1 + 9 reliability lines, 1 + 5 uplift lines, the last line.
    expect(lines).toHaveLength(27);
    // Learners 3i, 3i + 1 and 3i + 2 have 2, 2 and 3 decisions from June 24 on: 34·2 + 33·2 + 33·3.
    expect(lines[0]).toMatch(
      /^train --from-log --objective uplift: .*: 1000 decisions, 200 held out \(ĥ 0\.2000\); trained on 767 decisions from 2025-06-01 to 2025-06-23, tested on 233 decisions from 2025-06-24 to 2025-06-30; /,
    );
    const manifest = JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      objective: 'uplift',
      reward_days: 1,
      clip: 10,
      holdout_days: 7,
      test_from: '2025-06-24',
      holdout_share: 0.2,
    });
    expect(manifest.version).toMatch(/^uplift-[0-9a-f]{16}$/);
    const count = (keep: (decision: UpliftDecision) => boolean, test: boolean) =>
      logs.made.filter((made) => keep(made) && made.day >= TEST_FROM === test).length;
    for (const type of NUDGE_TYPES) {
      const treated = (made: UpliftDecision) => made.treated === type;
      expect(manifest.models[type]).toMatchObject({
        path: `treated/${type}/model.json`,
        control: NUDGE_ACTIONS[type],
        metrics: { train_rows: count(treated, false), test_rows: count(treated, true) },
      });
    }
    const control = (made: UpliftDecision) => made.treated === undefined;
    for (const action of OUTCOME_ACTIONS) {
      expect(manifest.controls[action]).toMatchObject({
        path: `control/${action}/model.json`,
        metrics: { train_rows: count(control, false), test_rows: count(control, true) },
      });
    }

    const modelSet = await loadModelSet(modelsDir);
    expect(modelSet.objective).toBe('uplift');
    expect(modelSet.rewardDays).toBe(1);
    expect(modelSet.version).toBe(manifest.version);
    const x = Float64Array.from(FEATURE_NAMES, (_, i) => (i % 4) / 2);
    for (const type of NUDGE_TYPES) {
      const treated = await savedProbability(join(modelsDir, `treated/${type}/model.json`), x);
      const controlled = await savedProbability(
        join(modelsDir, `control/${NUDGE_ACTIONS[type]}/model.json`),
        x,
      );
      const predicted = modelSet.uplift(type, x)!;
      expect(predicted.treated).toBeCloseTo(treated, 12);
      expect(predicted.control).toBeCloseTo(controlled, 12);
      expect(predicted.uplift).toBeCloseTo(treated - controlled, 12);
    }
    // The slot-1 nudge adds 0.3 to its action's chance: the set finds a clear uplift per type.
    const meanUplift = (type: (typeof NUDGE_TYPES)[number]) => {
      const rows = logs.decisions.map((line) => JSON.parse(line).features);
      const uplifts = rows.map(
        (features) =>
          modelSet.uplift(
            type,
            Float64Array.from(FEATURE_NAMES, (name) => features[name]),
          )!.uplift,
      );
      return uplifts.reduce((sum, u) => sum + u, 0) / uplifts.length;
    };
    for (const type of NUDGE_TYPES) expect(meanUplift(type)).toBeGreaterThan(0.15);

    const report = await readFile(join(modelsDir, 'training_report.md'), 'utf8');
    expect(report.split('\n')[0]).toBe('# Uplift models trained from logs');
    expect(report).toContain('| decisions | decisions.ndjson | 1000 |');
    expect(report).not.toContain(folder.dir);
  }, 60_000);

  it('writes the same bytes again from the same logs', async () => {
    const first = join(folder.dir, 'first');
    const second = join(folder.dir, 'second');

    expect((await trainUplift(first)).code).toBe(0);
    expect((await trainUplift(second)).code).toBe(0);

    const files = await expectSameFiles(first, second);
    expect(files.filter((name) => name.includes('.'))).toHaveLength(20);
  }, 60_000);

  it('names the line of a served decision that sent nothing without slate_propensity', async () => {
    const bare = logs.decisions.map((line) => {
      const decision = JSON.parse(line);
      delete decision.slate_propensity;
      return JSON.stringify(decision);
    });
    const bad = join(folder.dir, 'bare-decisions.ndjson');
    await writeFile(bad, ndjson(bare));
    const line = logs.made.findIndex(
      (made, n) => made.treated === undefined && Math.floor(n / DECISIONS_PER_LEARNER) % 5 !== 0,
    );

    const sut = await trainUplift(join(folder.dir, 'bare-models'), bad);

    expect(sut.code).toBe(2);
    expect(sut.stderr).toBe(
      `error: ${bad} line ${line + 1}: slate_propensity: uplift training needs it on a served decision that delivered nothing (the chance the logging policy sent nothing) to weigh it as a control row\n`,
    );
    await expect(readdir(join(folder.dir, 'bare-models'))).rejects.toThrow('ENOENT');
  }, 30_000);

  it.each([
    [['--objective', 'uplift'], 'error: --objective needs --from-log'],
    [
      ['--from-log', '--objective', 'lift'],
      "error: option '--objective <propensity|uplift>' argument 'lift' is invalid. Expected one of propensity, uplift.",
    ],
  ])(
    'refuses train %p with exit code 2',
    async (args, message) => {
      const sut = await runBuiltCli(['train', ...args]);

      expect(sut.code).toBe(2);
      expect(sut.stderr).toBe(`${message}\n`);
    },
    30_000,
  );
});
