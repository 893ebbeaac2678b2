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
export { loadLayersModel, saveLayersModel } from './model-files';
export {
  checkManifest,
  Explanation,
  FeatureContribution,
  loadModelSet,
  ModelSet,
  ModelSetError,
  UpliftPrediction,
} from './model-set';
export { HEALTH_CHECKS } from './health-checks';
export { MlHealthIndicator } from './ml.health';
export { MlModuleOptions } from './ml.module-definition';
export { MlModule } from './ml.module';
export { MlMode, MlService, MlStatus } from './ml.service';
export { Tf, TfPackage, tfRuntime, TfRuntime } from './tf-runtime';
