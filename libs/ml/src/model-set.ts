import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES, FeatureName } from './features';
import {
  ControlModel,
  linearModelFromLayers,
  LinearModel,
  linearProbability,
} from './linear-model';
import {
  MANIFEST_FILE,
  ManifestModel,
  MODEL_OBJECTIVES,
  ModelManifest,
  ModelObjective,
} from './manifest';
import { loadLayersModel } from './model-files';

/** A feature's share of one model's log-odds for one learner, relative to the training mean. */
export interface FeatureContribution {
  readonly feature: FeatureName;
  /** Positive pushes the probability up, negative holds it back. */
  readonly contribution: number;
  /** Whether the learner's value is above the training mean ("many projects") or below. */
  readonly above: boolean;
}

/** The features that moved one learner's probability most, each way, strongest first. */
export interface Explanation {
  readonly up: readonly FeatureContribution[];
  readonly down: readonly FeatureContribution[];
}

/** What an uplift set predicts for one learner and nudge type. */
export interface UpliftPrediction {
  /** The chance of the type's action with the nudge in slot 1. */
  readonly treated: number;
  /** The chance of that action with nothing sent. */
  readonly control: number;
  /** treated − control: what the nudge is expected to change. */
  readonly uplift: number;
}

/** The loaded models, ready to score a feature vector with plain arithmetic. */
export class ModelSet {
  readonly types: readonly NudgeType[];
  readonly objective: ModelObjective;
  private readonly byType: ReadonlyMap<NudgeType, LinearModel>;
  /** An uplift set's control model per nudge type (a type's action's). */
  private readonly controlOf: ReadonlyMap<NudgeType, ControlModel>;

  constructor(
    readonly manifest: ModelManifest,
    /** The models' weights: with the manifest, all it takes to rebuild the set elsewhere. */
    readonly models: readonly LinearModel[],
    /** An uplift set's control models; none in a propensity set. */
    readonly controls: readonly ControlModel[] = [],
  ) {
    this.types = models.map((model) => model.type);
    this.byType = new Map(models.map((model) => [model.type, model]));
    this.objective = manifest.objective ?? 'propensity';
    const byAction = new Map(controls.map((control) => [control.action, control]));
    const controlOf = new Map<NudgeType, ControlModel>();
    // A propensity set has no controls (and a test's hand-made manifest may list no models).
    for (const model of controls.length === 0 ? [] : models) {
      const action = manifest.models[model.type]?.control;
      const control = action === undefined ? undefined : byAction.get(action);
      if (control !== undefined) controlOf.set(model.type, control);
    }
    this.controlOf = controlOf;
  }

  get version(): string {
    return this.manifest.version;
  }

  /** An uplift set's outcome window in days; undefined for a propensity set. */
  get rewardDays(): number | undefined {
    return this.objective === 'uplift' ? this.manifest.reward_days : undefined;
  }

  /**
   * An uplift set's prediction for a nudge of `type`, or undefined when the set is a propensity
   * set or has no model of that type.
   */
  uplift(type: NudgeType, x: Float64Array): UpliftPrediction | undefined {
    const treatedModel = this.byType.get(type);
    const controlModel = this.controlOf.get(type);
    if (treatedModel === undefined || controlModel === undefined) return undefined;
    const treated = linearProbability(treatedModel, x);
    const control = linearProbability(controlModel, x);
    return { treated, control, uplift: treated - control };
  }

  has(type: NudgeType): boolean {
    return this.byType.has(type);
  }

  probability(type: NudgeType, x: Float64Array): number | undefined {
    const model = this.byType.get(type);
    return model === undefined ? undefined : linearProbability(model, x);
  }

  /** Up to `count` features pushing this learner's probability up, and `count` holding it back. */
  explain(type: NudgeType, x: Float64Array, count: number): Explanation {
    const model = this.byType.get(type);
    if (model === undefined) return { up: [], down: [] };
    const mean = this.manifest.scaling.mean;
    const up: FeatureContribution[] = [];
    const down: FeatureContribution[] = [];
    for (let i = 0; i < model.weights.length; i++) {
      const contribution = model.weights[i] * (x[i] - mean[i]);
      const entry = { feature: FEATURE_NAMES[i], contribution, above: x[i] > mean[i] };
      if (contribution > 0) up.push(entry);
      else if (contribution < 0) down.push(entry);
    }
    up.sort((a, b) => b.contribution - a.contribution);
    down.sort((a, b) => a.contribution - b.contribution);
    return { up: up.slice(0, count), down: down.slice(0, count) };
  }
}

function isNudgeType(value: string): value is NudgeType {
  return (NUDGE_TYPES as readonly string[]).includes(value);
}

/** The manifest's models, typed by the nudge type each one scores. */
function manifestEntries(manifest: ModelManifest): [NudgeType, ManifestModel][] {
  return Object.entries(manifest.models) as [NudgeType, ManifestModel][];
}

function isFiniteArray(value: unknown, length: number): value is number[] {
  return (
    Array.isArray(value) &&
    value.length === length &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/** Checks the manifest's shape and that it was trained on this build's feature contract. */
export function checkManifest(value: unknown): ModelManifest {
  if (typeof value !== 'object' || value === null) throw new Error('manifest is not a JSON object');
  const manifest = value as Partial<ModelManifest>;
  if (typeof manifest.version !== 'string') throw new Error('manifest.version is not a string');
  const names = manifest.feature_names;
  if (
    !Array.isArray(names) ||
    names.length !== FEATURE_COUNT ||
    names.some((name, i) => name !== FEATURE_NAMES[i])
  ) {
    throw new Error(
      `manifest.feature_names do not match the feature contract (${FEATURE_NAMES.join(', ')})`,
    );
  }
  if (!isFiniteArray(manifest.scaling?.mean, FEATURE_COUNT)) {
    throw new Error(`manifest.scaling.mean is not ${FEATURE_COUNT} numbers`);
  }
  if (typeof manifest.models !== 'object' || manifest.models === null) {
    throw new Error('manifest.models is not an object');
  }
  const objective = manifest.objective ?? 'propensity';
  if (!MODEL_OBJECTIVES.includes(objective)) {
    throw new Error(`manifest.objective is not one of ${MODEL_OBJECTIVES.join(', ')}`);
  }
  for (const [type, entry] of Object.entries(manifest.models)) {
    if (!isNudgeType(type)) {
      throw new Error(`manifest.models.${type} is not a nudge type (${NUDGE_TYPES.join(', ')})`);
    }
    if (typeof (entry as Partial<ManifestModel> | undefined)?.path !== 'string') {
      throw new Error(`manifest.models.${type}.path is not a string`);
    }
  }
  if (objective === 'uplift') checkUpliftManifest(manifest);
  return manifest as ModelManifest;
}

/** An uplift set: every type's control model listed, and the outcome window it predicts over. */
function checkUpliftManifest(manifest: Partial<ModelManifest>): void {
  const controls = manifest.controls;
  if (typeof controls !== 'object' || controls === null || Array.isArray(controls)) {
    throw new Error('manifest.controls is not an object (an uplift set needs its control models)');
  }
  for (const [action, entry] of Object.entries(controls)) {
    if (typeof (entry as Partial<ManifestModel> | undefined)?.path !== 'string') {
      throw new Error(`manifest.controls.${action}.path is not a string`);
    }
  }
  for (const [type, entry] of Object.entries(manifest.models ?? {})) {
    const control = entry?.control;
    if (typeof control !== 'string' || !Object.hasOwn(controls, control)) {
      throw new Error(`manifest.models.${type}.control does not name one of manifest.controls`);
    }
  }
  const days = manifest.reward_days;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
    throw new Error('manifest.reward_days is not a whole number of at least 1');
  }
}

/**
 * Why a model set could not be loaded. `message` names the files, for the operator's log;
 * `reason` says only what failed, for health endpoints anyone may read.
 */
export class ModelSetError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelSetError';
  }
}

/**
 * Loads every model the manifest lists, with tfjs, and reads its weights once. Throws a
 * ModelSetError (or, for a manifest or model that breaks the contract, an Error without paths)
 * saying which file or check failed; the caller decides to run rules-only.
 */
export async function loadModelSet(modelsDir: string): Promise<ModelSet> {
  const dir = resolve(modelsDir);
  const manifestPath = join(dir, MANIFEST_FILE);
  let raw: string;
  try {
    raw = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new ModelSetError(
      'cannot read the manifest',
      `cannot read ${manifestPath}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new ModelSetError(
      'the manifest is not valid JSON',
      `${manifestPath} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const manifest = checkManifest(parsed);
  const models: LinearModel[] = [];
  for (const [type, entry] of manifestEntries(manifest)) {
    models.push(await loadLinearModel(dir, type, entry.path));
  }
  const controls: ControlModel[] = [];
  for (const [action, entry] of Object.entries(manifest.controls ?? {})) {
    const { weights, bias } = await loadLinearModel(dir, `control ${action}`, entry.path);
    controls.push({ action, weights, bias });
  }
  return new ModelSet(manifest, models, controls);
}

/** One model file's weights; `name` (a nudge type, or `control <action>`) names it in errors. */
async function loadLinearModel<Name extends string>(
  dir: string,
  name: Name,
  path: string,
): Promise<{ readonly type: Name; readonly weights: Float64Array; readonly bias: number }> {
  const modelPath = join(dir, path);
  let layers;
  try {
    layers = await loadLayersModel(modelPath);
  } catch (error) {
    throw new ModelSetError(
      `cannot load model ${name}`,
      `cannot load model ${name} from ${modelPath}: ${(error as Error).message}`,
    );
  }
  try {
    return linearModelFromLayers(name, layers, FEATURE_COUNT);
  } finally {
    layers.dispose();
  }
}
