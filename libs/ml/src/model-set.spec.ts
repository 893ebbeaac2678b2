import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_COUNT, FEATURE_NAMES } from './features';
import type { Tensor } from '@tensorflow/tfjs';
import { linearProbability } from './linear-model';
import { ModelManifest } from './manifest';
import { loadLayersModel, saveLayersModel } from './model-files';
import { loadModelSet, ModelSet } from './model-set';
import { tfRuntime } from './tf-runtime';

/** A small deterministic generator, so the weights and rows are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function manifest(
  models: Record<string, string>,
  names: readonly string[] = FEATURE_NAMES,
): ModelManifest {
  return {
    version: 'test',
    seed: 1,
    users: 0,
    snapshots: 0,
    dataset_sha256: '',
    feature_names: names,
    scaling: {
      mean: new Array<number>(FEATURE_COUNT).fill(0),
      std: new Array<number>(FEATURE_COUNT).fill(1),
    },
    models: Object.fromEntries(
      Object.entries(models).map(([type, path]) => [
        type,
        {
          path,
          metrics: {
            test_auc: 0,
            oracle_auc: 0,
            test_accuracy: 0,
            cv_auc_mean: 0,
            cv_auc_std: 0,
            threshold: 0.5,
          },
        },
      ]),
    ),
  };
}

async function saveDense(
  dir: string,
  type: string,
  inputs: number,
  random: () => number,
): Promise<void> {
  const { tf } = tfRuntime();
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [inputs] })],
  });
  const kernel = Array.from({ length: inputs }, () => [random() * 2 - 1]);
  model.setWeights([tf.tensor2d(kernel), tf.tensor1d([random() - 0.5])]);
  await saveLayersModel(model, join(dir, type, 'model.json'));
  model.dispose();
}

describe(loadModelSet.name, () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'models-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scores with the dense weights exactly as model.predict does, on many rows', async () => {
    const random = lcg(7);
    await saveDense(dir, 'quiz', FEATURE_COUNT, random);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify(manifest({ quiz: 'quiz/model.json' })),
    );
    const sut = await loadModelSet(dir);

    const { tf } = tfRuntime();
    const model = await loadLayersModel(join(dir, 'quiz', 'model.json'));
    const rows = Array.from({ length: 2000 }, () =>
      Float64Array.from({ length: FEATURE_COUNT }, () => random() * 6 - 1),
    );
    const predicted = model.predict(tf.tensor2d(rows.map((row) => Array.from(row)))) as Tensor;
    const expected = predicted.dataSync();
    const worst = rows.reduce(
      (max, row, i) => Math.max(max, Math.abs(sut.probability('quiz', row)! - expected[i])),
      0,
    );
    expect(worst).toBeLessThan(1e-6);
    expect(sut.types).toEqual(['quiz']);
    model.dispose();
  });

  it('names the manifest when the folder is missing, and what failed without the path', async () => {
    const sut = loadModelSet(join(dir, 'absent'));
    await expect(sut).rejects.toThrow(`cannot read ${join(dir, 'absent', 'manifest.json')}`);
    await expect(sut).rejects.toMatchObject({ reason: 'cannot read the manifest' });
  });

  it('refuses a corrupt manifest', async () => {
    await writeFile(join(dir, 'manifest.json'), '{"version": ');
    await expect(loadModelSet(dir)).rejects.toThrow('manifest.json is not valid JSON');
  });

  it('refuses a model for a type the engine does not nudge', async () => {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest({ badges: 'b.json' })));
    await expect(loadModelSet(dir)).rejects.toThrow(
      'manifest.models.badges is not a nudge type (resume, project, quiz, event_fomo, comeback)',
    );
  });

  it('refuses a manifest trained on other features', async () => {
    const names = [...FEATURE_NAMES].reverse();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest({}, names)));
    await expect(loadModelSet(dir)).rejects.toThrow(
      'manifest.feature_names do not match the feature contract',
    );
  });

  it('refuses a model whose input width differs from the contract', async () => {
    await saveDense(dir, 'resume', FEATURE_COUNT - 1, lcg(1));
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify(manifest({ resume: 'resume/model.json' })),
    );
    await expect(loadModelSet(dir)).rejects.toThrow(
      `model resume: takes ${FEATURE_COUNT - 1} inputs, the feature contract has ${FEATURE_COUNT}`,
    );
  });

  it('refuses a model whose weights file is corrupt', async () => {
    await saveDense(dir, 'resume', FEATURE_COUNT, lcg(1));
    await writeFile(join(dir, 'resume', 'weights.bin'), Buffer.from([1, 2, 3]));
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify(manifest({ resume: 'resume/model.json' })),
    );
    await expect(loadModelSet(dir)).rejects.toThrow('cannot load model resume');
  });
});

describe(ModelSet.prototype.explain.name, () => {
  it('names the strongest features each way, with the side of the mean the learner is on', () => {
    const mean = new Array<number>(FEATURE_COUNT).fill(0.5);
    const weights = new Float64Array(FEATURE_COUNT);
    const x = new Float64Array(FEATURE_COUNT).fill(0.5);
    const at = (name: string) => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]);
    weights[at('log_karma')] = 2; // above the mean: pushes up by 1
    x[at('log_karma')] = 1;
    weights[at('resume_uploaded')] = -1; // below the mean with a negative weight: pushes up by 0.5
    x[at('resume_uploaded')] = 0;
    weights[at('projects_added')] = -3; // above the mean: holds back by 1.5
    x[at('projects_added')] = 1;
    weights[at('clubs_joined')] = 1; // below the mean: holds back by 0.1
    x[at('clubs_joined')] = 0.4;
    const sut = new ModelSet({ ...manifest({}), scaling: { mean, std: mean } }, [
      { type: 'quiz', weights, bias: 0 },
    ]);
    expect(sut.explain('quiz', x, 2)).toEqual({
      up: [
        { feature: 'log_karma', contribution: 1, above: true },
        { feature: 'resume_uploaded', contribution: 0.5, above: false },
      ],
      down: [
        { feature: 'projects_added', contribution: -1.5, above: true },
        { feature: 'clubs_joined', contribution: expect.closeTo(-0.1, 12), above: false },
      ],
    });
    expect(sut.explain('quiz', x, 1).down).toHaveLength(1);
    expect(sut.explain('resume', x, 2)).toEqual({ up: [], down: [] });
  });
});

describe(linearProbability.name, () => {
  it('is the logistic of bias + w·x', () => {
    const model = { weights: Float64Array.of(2, -1), bias: 0.5 };
    expect(linearProbability(model, Float64Array.of(1, 3))).toBeCloseTo(
      1 / (1 + Math.exp(0.5)),
      12,
    );
  });
});
