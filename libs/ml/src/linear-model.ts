import type { LayersModel } from '@tensorflow/tfjs';
import { NudgeType } from '@app/learner';

/** A Dense(1, sigmoid) model's weights, read once so scoring is a dot product, not a tfjs call. */
export interface LinearWeights {
  readonly weights: Float64Array;
  readonly bias: number;
}

/** A nudge type's model: its propensity, or in an uplift set its treated model. */
export interface LinearModel extends LinearWeights {
  readonly type: NudgeType;
}

/** An uplift set's control model: the chance of `action` with nothing sent. */
export interface ControlModel extends LinearWeights {
  readonly action: string;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function linearProbability(
  model: Pick<LinearModel, 'weights' | 'bias'>,
  x: Float64Array,
): number {
  const w = model.weights;
  let z = model.bias;
  for (let i = 0; i < w.length; i++) z += w[i] * x[i];
  return sigmoid(z);
}

/**
 * Reads the weights of a single-Dense sigmoid model, refusing anything else by name (`type`, a
 * nudge type or a control model's name).
 */
export function linearModelFromLayers<Name extends string = NudgeType>(
  type: Name,
  model: LayersModel,
  featureCount: number,
): LinearWeights & { readonly type: Name } {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  if (layers.length !== 1 || layers[0].getClassName() !== 'Dense') {
    throw new Error(`model ${type}: expected a single Dense layer`);
  }
  const dense = layers[0];
  const config = dense.getConfig();
  if (config.units !== 1 || config.activation !== 'sigmoid') {
    throw new Error(`model ${type}: expected Dense(1, sigmoid)`);
  }
  const inputShape = model.inputs[0]?.shape;
  if (inputShape?.length !== 2 || inputShape[1] !== featureCount) {
    throw new Error(
      `model ${type}: takes ${String(inputShape?.[1])} inputs, the feature contract has ${featureCount}`,
    );
  }
  const [kernel, bias] = dense.getWeights();
  if (kernel === undefined || bias === undefined) {
    throw new Error(`model ${type}: a Dense layer without kernel and bias`);
  }
  const weights = Float64Array.from(kernel.dataSync());
  const biasValue = bias.dataSync()[0];
  if (
    weights.length !== featureCount ||
    !weights.every(Number.isFinite) ||
    !Number.isFinite(biasValue)
  ) {
    throw new Error(`model ${type}: weights are not ${featureCount} finite numbers`);
  }
  return { type, weights, bias: biasValue };
}
