import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { saveLayersModel, Tf } from '@app/ml';
import { modelPath } from '../../cli/file-names';
import { RawLinearWeights } from './standardization';

/**
 * A single Dense(1, sigmoid) layer over the raw feature vector. Names are fixed because tfjs
 * would otherwise number layers by creation order, which changes the files between runs.
 */
export function linearLayersModel(tf: Tf, type: string, model: RawLinearWeights): LayersModel {
  const d = model.weights.length;
  const layers = tf.sequential({
    name: `nudge_${type}`,
    layers: [
      tf.layers.dense({
        name: `${type}_probability`,
        units: 1,
        activation: 'sigmoid',
        inputShape: [d],
        // The weights are set below; zeros keep tfjs's random initialiser out of the picture.
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    ],
  });
  tf.tidy(() => {
    layers.setWeights([
      tf.tensor2d(Float32Array.from(model.weights), [d, 1]),
      tf.tensor1d(Float32Array.of(model.bias)),
    ]);
  });
  return layers;
}

/**
 * Saves a model as `<modelsDir>/<path>` + `weights.bin` beside it, the files the API loads;
 * `path` is `<type>/model.json` unless given. `name` names its layers, so it must be a plain
 * identifier (`quiz`, `control_take_quiz`).
 */
export async function saveLinearModel(
  tf: Tf,
  modelsDir: string,
  name: string,
  model: RawLinearWeights,
  path = modelPath(name),
): Promise<void> {
  const layers = linearLayersModel(tf, name, model);
  try {
    await saveLayersModel(layers, join(modelsDir, path));
  } finally {
    layers.dispose();
  }
}
