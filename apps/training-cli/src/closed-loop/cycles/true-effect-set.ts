import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_NAMES, loadModelSet, LinearWeights, tfRuntime } from '@app/ml';
import { treatedModelPath } from '../../cli/file-names';
import { saveLinearModel } from '../../offline/model/linear-layers-model';
import { NudgeEffect, PlatformStory, storyHash } from '../platform/story';

/**
 * A treated model that knows the story's true effect: the control model's log-odds plus
 * τ(x) = base + Σ w_f·x_f. Both are linear in the raw features, so the sum is one more linear
 * model of the same form.
 */
export function trueEffectModel(control: LinearWeights, effect: NudgeEffect): LinearWeights {
  const weights = Float64Array.from(control.weights);
  for (const [name, weight] of Object.entries(effect.by_feature)) {
    weights[FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number])] += weight;
  }
  return { weights, bias: control.bias + effect.base };
}

/**
 * Writes to `out` the uplift set at `from` with each treated model replaced by its control plus
 * the story's true effect of that nudge type: what the trainer would learn from unlimited logs
 * if a nudge's effect were the story's τ(x) alone. The story also scales τ by the slot, by
 * repetition, by crowding and by muting, which depend on the learner's history, not on x; so
 * the set's true lift is what a perfect estimate of this model class earns, and a learned set
 * doing better has picked up some of that history in its averages.
 */
export async function writeTrueEffectSet(
  from: string,
  story: PlatformStory,
  out: string,
): Promise<void> {
  const set = await loadModelSet(from);
  await rm(out, { recursive: true, force: true });
  await cp(from, out, { recursive: true });
  const { tf } = tfRuntime();
  const controls = new Map(set.controls.map((control) => [control.action, control]));
  for (const type of set.types) {
    const action = set.manifest.models[type]?.control;
    const control = action === undefined ? undefined : controls.get(action);
    if (control === undefined) throw new Error(`${from}: ${type} has no control model`);
    const model = trueEffectModel(control, story.effects[type]);
    await saveLinearModel(tf, out, `treated_${type}`, model, treatedModelPath(type));
  }
  const manifestPath = join(out, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  // The learned treated models' metrics describe models this set no longer has.
  const models = Object.fromEntries(
    Object.entries(set.manifest.models).map(([type, entry]) => [
      type,
      { path: entry.path, control: entry.control },
    ]),
  );
  const written = {
    ...manifest,
    models,
    version: `${set.version}-true-${storyHash(story)}`,
    trainer: {
      method: `the controls of ${set.version}, each treated model their log-odds plus the story's true effect τ(x) of its type`,
    },
  };
  await writeFile(manifestPath, `${JSON.stringify(written, null, 2)}\n`);
}
