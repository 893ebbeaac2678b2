import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCalendarDate, NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { FEATURE_NAMES, loadModelSet } from '@app/ml';
import { NUDGE_ACTIONS } from '@app/contract';
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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ndjson = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

describe('training-cli train --from-log', () => {
  const logs = platformLogs();
  let dir: string;
  let decisionsPath: string;
  let outcomesPath: string;

  function trainFromLog(modelsDir: string, ...extra: string[]) {
    return runBuiltCli([
      'train',
      '--from-log',
      '--decisions',
      decisionsPath,
      '--outcomes',
      outcomesPath,
      '--models-dir',
      modelsDir,
      ...extra,
    ]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'train-from-log-'));
    decisionsPath = join(dir, 'decisions.ndjson');
    outcomesPath = join(dir, 'outcomes.ndjson');
    await writeFile(decisionsPath, ndjson(logs.decisions));
    await writeFile(outcomesPath, ndjson(logs.outcomes));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes models the API loads, with the logs they came from in the manifest', async () => {
    const modelsDir = join(dir, 'models');

    const sut = await trainFromLog(modelsDir);

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const lines = sut.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(
      `train --from-log: ${decisionsPath} and ${outcomesPath}: trained on the nudges delivered in 276 decisions from 2025-06-01 to 2025-06-23, tested on 84 decisions from 2025-06-24 to 2025-06-30; reward: the nudge's action within 1 day; weight: 1/(product of the propensities of slots 1..s) clipped at 10; deployed: models (version 3942fe755af03f3b)`,
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
    const first = join(dir, 'first');
    const second = join(dir, 'second');

    await trainFromLog(first);
    await trainFromLog(second);

    const files = (await readdir(first, { recursive: true })).sort();
    expect(files).toEqual((await readdir(second, { recursive: true })).sort());
    expect(files).toContain('manifest.json');
    for (const file of files.filter((name) => name.includes('.'))) {
      const bytes = await readFile(join(first, file));
      expect({ file, identical: bytes.equals(await readFile(join(second, file))) }).toEqual({
        file,
        identical: true,
      });
    }
  }, 60_000);

  it('names the line of a decision without features, exits 2 and writes nothing', async () => {
    const bare = logs.decisions.map((line) => {
      const decision = JSON.parse(line);
      delete decision.features;
      return JSON.stringify(decision);
    });
    const bad = join(dir, 'bare-decisions.ndjson');
    await writeFile(bad, ndjson(bare));
    const modelsDir = join(dir, 'bare-models');

    const sut = await runBuiltCli([
      'train',
      '--from-log',
      '--decisions',
      bad,
      '--outcomes',
      outcomesPath,
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
