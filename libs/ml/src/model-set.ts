import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES, FeatureName } from './features';
import { linearModelFromLayers, LinearModel, linearProbability } from './linear-model';
import { MANIFEST_FILE, ManifestModel, ModelManifest } from './manifest';
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

/** The loaded models, ready to score a feature vector with plain arithmetic. */
export class ModelSet {
  readonly types: readonly NudgeType[];
  private readonly byType: ReadonlyMap<NudgeType, LinearModel>;

  constructor(
    readonly manifest: ModelManifest,
    /** The models' weights: with the manifest, all it takes to rebuild the set elsewhere. */
    readonly models: readonly LinearModel[],
  ) {
    this.types = models.map((model) => model.type);
    this.byType = new Map(models.map((model) => [model.type, model]));
  }

  get version(): string {
    return this.manifest.version;
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
  for (const [type, entry] of Object.entries(manifest.models)) {
    if (!isNudgeType(type)) {
      throw new Error(`manifest.models.${type} is not a nudge type (${NUDGE_TYPES.join(', ')})`);
    }
    if (typeof (entry as Partial<ManifestModel> | undefined)?.path !== 'string') {
      throw new Error(`manifest.models.${type}.path is not a string`);
    }
  }
  return manifest as ModelManifest;
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
    const modelPath = join(dir, entry.path);
    let layers;
    try {
      layers = await loadLayersModel(modelPath);
    } catch (error) {
      throw new ModelSetError(
        `cannot load model ${type}`,
        `cannot load model ${type} from ${modelPath}: ${(error as Error).message}`,
      );
    }
    try {
      models.push(linearModelFromLayers(type, layers, FEATURE_COUNT));
    } finally {
      layers.dispose();
    }
  }
  return new ModelSet(manifest, models);
}
