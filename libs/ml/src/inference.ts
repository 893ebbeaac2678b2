// What answering with the models needs: features, the models and their manifest, the model set.
// No Nest and no tfjs (model files are read through tfjs only when loaded): engine threads and
// the engine's own code import this, `@app/ml/inference`, not the barrel with the Nest module.
export {
  encodeFeatures,
  FEATURE_COUNT,
  FEATURE_LABELS,
  FEATURE_NAMES,
  FeatureName,
  featureVector,
} from './features';
export {
  ControlModel,
  linearModelFromLayers,
  LinearModel,
  linearProbability,
  LinearWeights,
  sigmoid,
} from './linear-model';
export {
  MANIFEST_FILE,
  ManifestModel,
  MODEL_OBJECTIVES,
  ModelManifest,
  ModelMetrics,
  ModelObjective,
} from './manifest';
export {
  checkManifest,
  Explanation,
  FeatureContribution,
  loadModelSet,
  ModelSet,
  ModelSetError,
  UpliftPrediction,
} from './model-set';
