import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { io, LayersModel } from '@tensorflow/tfjs';
import { tfRuntime } from './tf-runtime';

const WEIGHTS_FILE = 'weights.bin';

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Saves a model in the tfjs layers format (`model.json` + `weights.bin`), the same files the
 * `file://` handler of tfjs-node writes, so the pure-JS package can save them too.
 */
export async function saveLayersModel(model: LayersModel, modelJsonPath: string): Promise<void> {
  const { tf } = tfRuntime();
  await mkdir(dirname(modelJsonPath), { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const weightData = artifacts.weightData;
      const bytes =
        weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(weightData);
      const manifest: io.WeightsManifestConfig = [
        { paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] },
      ];
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
      };
      await writeFile(modelJsonPath, JSON.stringify(modelJson, null, 2) + '\n');
      await writeFile(join(dirname(modelJsonPath), WEIGHTS_FILE), new Uint8Array(bytes));
      return {
        modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts),
      };
    }),
  );
}

/** Loads a tfjs layers model from disk with whichever tfjs package is installed. */
export async function loadLayersModel(modelJsonPath: string): Promise<LayersModel> {
  const { tf } = tfRuntime();
  const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as io.ModelJSON;
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = tf.io.getWeightSpecs(manifest);
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const path of group.paths) {
        buffers.push(toArrayBuffer(await readFile(join(dirname(modelJsonPath), path))));
      }
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
