import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_COUNT, FEATURE_NAMES, loadModelSet, tfRuntime } from '@app/ml';
import { controlModelPath, treatedModelPath } from '../../cli/file-names';
import { saveLinearModel } from '../../offline/model/linear-layers-model';
import { BUILT_IN_STORY } from '../platform/story';
import { trueEffectModel, writeTrueEffectSet } from './true-effect-set';

const at = (name: (typeof FEATURE_NAMES)[number]): number => FEATURE_NAMES.indexOf(name);

describe(trueEffectModel.name, () => {
  it("adds the effect's base to the bias and its weights to the features they name", () => {
    const control = { weights: new Float64Array(FEATURE_COUNT).fill(0.5), bias: -3 };
    const sut = trueEffectModel(control, {
      base: 1.3,
      by_feature: { quiz_recency_months: 0.7, never_quizzed: -1.5 },
    });
    expect(sut.bias).toBeCloseTo(-1.7, 12);
    expect(sut.weights[at('quiz_recency_months')]).toBeCloseTo(1.2, 12);
    expect(sut.weights[at('never_quizzed')]).toBeCloseTo(-1, 12);
    expect(sut.weights[at('log_karma')]).toBe(0.5);
    // The control is left as it was.
    expect(control.weights[at('never_quizzed')]).toBe(0.5);
  });
});

describe(writeTrueEffectSet.name, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'true-effects-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A learned uplift set of two types: quiz (take_quiz) and comeback (attend_event). */
  async function learnedSet(at: string): Promise<void> {
    const { tf } = tfRuntime();
    const linear = (fill: number, bias: number) => ({
      weights: new Float64Array(FEATURE_COUNT).fill(fill),
      bias,
    });
    await saveLinearModel(tf, at, 'treated_quiz', linear(0.2, -2), treatedModelPath('quiz'));
    await saveLinearModel(
      tf,
      at,
      'treated_comeback',
      linear(0.1, -2),
      treatedModelPath('comeback'),
    );
    await saveLinearModel(
      tf,
      at,
      'control_take_quiz',
      linear(0.05, -3),
      controlModelPath('take_quiz'),
    );
    await saveLinearModel(
      tf,
      at,
      'control_attend_event',
      linear(0.02, -3),
      controlModelPath('attend_event'),
    );
    const manifest = {
      version: 'uplift-0123456789abcdef',
      objective: 'uplift',
      reward_days: 1,
      feature_names: FEATURE_NAMES,
      scaling: { mean: new Array(FEATURE_COUNT).fill(0), std: new Array(FEATURE_COUNT).fill(1) },
      models: {
        quiz: { path: treatedModelPath('quiz'), control: 'take_quiz', metrics: { train_rows: 9 } },
        comeback: { path: treatedModelPath('comeback'), control: 'attend_event' },
      },
      controls: {
        take_quiz: { path: controlModelPath('take_quiz') },
        attend_event: { path: controlModelPath('attend_event') },
      },
    };
    await writeFile(join(at, 'manifest.json'), JSON.stringify(manifest));
  }

  it('writes a servable uplift set whose uplift is the story’s effect on the control’s log-odds', async () => {
    const from = join(dir, 'learned');
    await learnedSet(from);
    const out = join(dir, 'set');
    await writeTrueEffectSet(from, BUILT_IN_STORY, out);
    const [source, sut] = await Promise.all([loadModelSet(from), loadModelSet(out)]);
    expect(sut.objective).toBe('uplift');
    expect(sut.types).toEqual(source.types);
    expect(sut.version).toMatch(new RegExp(`^${source.version}-true-[0-9a-f]{16}$`));
    const x = new Float64Array(FEATURE_COUNT);
    x[at('quiz_recency_months')] = 3;
    x[at('log_login_streak')] = 1;
    const quiz = sut.uplift('quiz', x)!;
    const logit = (p: number) => Math.log(p / (1 - p));
    // τ = 1.3 + 0.7·3 − 0.4·1 = 3.0, up to the float32 the files hold.
    expect(logit(quiz.treated) - logit(quiz.control)).toBeCloseTo(3.0, 5);
    expect(quiz.control).toBeCloseTo(source.uplift('quiz', x)!.control, 12);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.models.quiz).toEqual({ path: 'treated/quiz/model.json', control: 'take_quiz' });
  });
});
