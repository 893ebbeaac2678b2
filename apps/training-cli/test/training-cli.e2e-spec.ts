import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { NUDGE_TYPES, todayUtc } from '@app/learner';
import { validateAnalyzeRequest } from '@app/contract';
import {
  FEATURE_COUNT,
  featureVector,
  linearModelFromLayers,
  linearProbability,
  loadLayersModel,
  loadModelSet,
  tfRuntime,
} from '@app/ml';
import { DATASET_COLUMNS } from '../src/offline/dataset/dataset-columns';
import { SimulatedLearner } from '../src/offline/simulate/learner-simulator';
import { PeerSnapshotFile } from '../src/offline/simulate/simulation-files';
import { TrainingCliModule } from '../src/training-cli.module';
import { runCli } from './run-cli';

/** Every file under `dir`, by relative path, with its bytes. */
async function snapshotFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) files.set(relative(dir, path), await readFile(path));
  }
  return files;
}

function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

const USERS = 300;

describe(TrainingCliModule.name, () => {
  let root: string;
  let stepwise: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'training-cli-'));
    stepwise = join(root, 'stepwise');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const dirs = (base: string): string[] => [
    '--data-dir',
    join(base, 'data'),
    '--models-dir',
    join(base, 'models'),
    '--reports-dir',
    join(base, 'reports'),
  ];

  describe('step by step', () => {
    it('simulate writes the learners and the peer snapshots', async () => {
      const sut = await runCli([
        'simulate',
        '--users',
        String(USERS),
        '--snapshots',
        '4',
        '--data-dir',
        join(stepwise, 'data'),
      ]);

      expect(sut.exitCode).toBe(0);
      expect(sut.summaries).toHaveLength(1);
      expect(sut.summaries[0]).toMatch(
        /^simulate: 300 learners in 4 peer snapshots \(seed 42, as_of 2025-06-30\) -> /,
      );
      const snapshots = JSON.parse(
        await readFile(join(stepwise, 'data', 'peer_snapshot.json'), 'utf8'),
      ) as PeerSnapshotFile;
      expect(snapshots).toMatchObject({ seed: 42, users: USERS, as_of: '2025-06-30' });
      expect(snapshots.snapshots.map((s) => s.snapshot_id)).toEqual([
        'batch_01',
        'batch_02',
        'batch_03',
        'batch_04',
      ]);
      const learners = JSON.parse(
        await readFile(join(stepwise, 'data', 'simulated_profiles.json'), 'utf8'),
      ) as SimulatedLearner[];
      expect(learners).toHaveLength(USERS);
      expect(learners[0].user_id).toBe('stu_001');
      expect(learners[USERS - 1].user_id).toBe('stu_300');
    });

    it('dataset writes one row per learner with the contract columns and an exact 80/20 split', async () => {
      const sut = await runCli(['dataset', '--data-dir', join(stepwise, 'data')]);

      expect(sut.exitCode).toBe(0);
      expect(sut.summaries[0]).toMatch(/^dataset: 300 rows \(240 train \/ 60 test\), positives /);
      const rows = parseCsv(
        await readFile(join(stepwise, 'data', 'processed_fomo_dataset.csv'), 'utf8'),
      );
      expect(rows[0]).toEqual(DATASET_COLUMNS);
      expect(rows).toHaveLength(USERS + 1);
      const splits = rows.slice(1).map((row) => row[row.length - 1]);
      expect(splits.filter((split) => split === 'test')).toHaveLength(60);
      expect(splits.filter((split) => split === 'train')).toHaveLength(240);
    });

    it("gives every learner the API's feature vector for the request it would send", async () => {
      const data = join(stepwise, 'data');
      const snapshots = JSON.parse(
        await readFile(join(data, 'peer_snapshot.json'), 'utf8'),
      ) as PeerSnapshotFile;
      const learners = JSON.parse(
        await readFile(join(data, 'simulated_profiles.json'), 'utf8'),
      ) as SimulatedLearner[];
      const rows = parseCsv(await readFile(join(data, 'processed_fomo_dataset.csv'), 'utf8'));
      const byId = new Map(rows.slice(1).map((row) => [row[0], row]));

      for (const learner of learners) {
        const snapshot = snapshots.snapshots.find((s) => s.snapshot_id === learner.snapshot_id)!;
        // The body a platform would POST to /analyze-engagement, through JSON like on the wire.
        const body: unknown = JSON.parse(
          JSON.stringify({
            user_data: {
              user_id: learner.user_id,
              profile: learner.profile,
              activity: learner.activity,
            },
            peer_snapshot: {
              batch_avg_projects: snapshot.batch_avg_projects,
              batch_resume_uploaded_pct: snapshot.batch_resume_uploaded_pct,
              batch_event_attendance: snapshot.batch_event_attendance,
              buddies_attending_events: learner.buddies_attending_events,
            },
            as_of: snapshots.as_of,
          }),
        );
        const validated = validateAnalyzeRequest(body, todayUtc());
        if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
        const apiVector = Array.from(featureVector(validated.value.request, validated.value.asOf));

        const row = byId.get(learner.user_id)!;
        expect(row.slice(1, 1 + FEATURE_COUNT).map(Number)).toEqual(apiVector);
      }
    });

    it('train saves one Dense(1, sigmoid) model per nudge type that the API loads and scores raw features with', async () => {
      const sut = await runCli(['train', ...dirs(stepwise).slice(0, 4)]);

      expect(sut.exitCode).toBe(0);
      expect(sut.summaries[0]).toMatch(/^train: 5 models on 240 rows, test AUC resume /);
      const modelsDir = join(stepwise, 'models');
      const modelSet = await loadModelSet(modelsDir);
      expect(modelSet.types).toEqual([...NUDGE_TYPES]);
      expect(modelSet.version).toMatch(/^[0-9a-f]{16}$/);
      expect(modelSet.manifest.seed).toBe(42);
      expect(modelSet.manifest.users).toBe(USERS);

      // A saved model takes the raw feature vector: tfjs's predict() agrees with the dot product.
      const layers = await loadLayersModel(join(modelsDir, 'quiz', 'model.json'));
      const linear = linearModelFromLayers('quiz', layers, FEATURE_COUNT);
      const rows = parseCsv(
        await readFile(join(stepwise, 'data', 'processed_fomo_dataset.csv'), 'utf8'),
      ).slice(1, 11);
      const x = rows.map((row) => row.slice(1, 1 + FEATURE_COUNT).map(Number));
      const { tf } = tfRuntime();
      const predicted = tf.tidy(() => (layers.predict(tf.tensor2d(x)) as Tensor).dataSync());
      x.forEach((features, i) => {
        expect(predicted[i]).toBeCloseTo(linearProbability(linear, Float64Array.from(features)), 5);
      });
      layers.dispose();
    });

    it('report writes the classification report, metrics.json and a CSV and PNG per model', async () => {
      const sut = await runCli(['report', ...dirs(stepwise)]);

      expect(sut.exitCode).toBe(0);
      const reports = join(stepwise, 'reports');
      expect((await readdir(reports)).sort()).toEqual(
        [
          'classification_report.txt',
          'metrics.json',
          ...NUDGE_TYPES.flatMap((type) => [
            `feature_importance_${type}.csv`,
            `feature_importance_${type}.png`,
          ]),
        ].sort(),
      );
      const metrics = JSON.parse(await readFile(join(reports, 'metrics.json'), 'utf8')) as {
        models: Record<string, Record<string, number>>;
      };
      expect(Object.keys(metrics.models)).toEqual([...NUDGE_TYPES]);
      for (const type of NUDGE_TYPES) {
        expect(Object.keys(metrics.models[type]).slice(0, 6)).toEqual([
          'test_auc',
          'oracle_auc',
          'test_accuracy',
          'cv_auc_mean',
          'cv_auc_std',
          'threshold',
        ]);
        expect(metrics.models[type].threshold).toBe(0.5);
      }
      const manifest = JSON.parse(
        await readFile(join(stepwise, 'models', 'manifest.json'), 'utf8'),
      ) as { models: Record<string, { metrics: Record<string, number> }> };
      expect(metrics.models.resume.test_auc).toBe(manifest.models.resume.metrics.test_auc);

      const text = await readFile(join(reports, 'classification_report.txt'), 'utf8');
      expect(text.startsWith('Engagement Insight Engine: classification report\n')).toBe(true);
      expect(text).toContain('How the labels were made');
      for (const type of NUDGE_TYPES) expect(text).toContain(`\n${type}: the learner `);

      const png = await readFile(join(reports, 'feature_importance_resume.png'));
      expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
      expect(png.readUInt32BE(16)).toBeGreaterThan(1000);
      const csv = parseCsv(await readFile(join(reports, 'feature_importance_resume.csv'), 'utf8'));
      expect(csv[0]).toEqual([
        'rank',
        'feature',
        'label',
        'standardised_coefficient',
        'raw_weight',
      ]);
      expect(csv).toHaveLength(FEATURE_COUNT + 1);
    });
  });

  it('pipeline with the same flags reproduces every file byte for byte', async () => {
    const again = join(root, 'pipeline');
    const sut = await runCli([
      'pipeline',
      '--users',
      String(USERS),
      '--snapshots',
      '4',
      '--seed',
      '42',
      ...dirs(again),
    ]);

    expect(sut.exitCode).toBe(0);
    expect(sut.summaries.map((line) => line.split(':')[0])).toEqual([
      'simulate',
      'dataset',
      'train',
      'report',
    ]);
    const first = await snapshotFiles(stepwise);
    const second = await snapshotFiles(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, bytes] of first) {
      expect({ path, identical: bytes.equals(second.get(path)!) }).toEqual({
        path,
        identical: true,
      });
    }
  });

  describe('usage errors exit with code 2 and name the flag or file', () => {
    it.each([
      [['simulate', '--users', '-5'], "option '--users <count>' argument '-5' is invalid"],
      [['simulate', '--users', 'abc'], "option '--users <count>' argument 'abc' is invalid"],
      [['pipeline', '--seed', '1.5'], "option '--seed <number>' argument '1.5' is invalid"],
      [['train', '--seed', '3'], "unknown option '--seed'"],
    ])('%j', async (args, message) => {
      const sut = await runCli(args);
      expect(sut.exitCode).toBe(2);
      expect(sut.stderr).toContain(message);
    });

    it('dataset without simulated files', async () => {
      const empty = join(root, 'empty');
      const sut = await runCli(['dataset', '--data-dir', empty]);
      expect(sut.exitCode).toBe(2);
      expect(sut.stderr).toBe(
        `error: missing input ${join(empty, 'peer_snapshot.json')} (run \`simulate\` first)\n`,
      );
    });

    it('report without models', async () => {
      const sut = await runCli(['report', ...dirs(join(root, 'empty'))]);
      expect(sut.exitCode).toBe(2);
      expect(sut.stderr).toContain(join(root, 'empty', 'models', 'manifest.json'));
    });
  });

  it.each(['simulate', 'dataset', 'train', 'report', 'pipeline'])(
    '%s --help describes its flags and exits 0',
    async (command) => {
      const sut = await runCli([command, '--help']);
      expect(sut.exitCode).toBe(0);
      expect(sut.stdout).toContain(`${command} [options]`);
      expect(sut.stdout).toContain('--data-dir <path>');
    },
  );
});
