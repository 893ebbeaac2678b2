export * from './inference';
export { loadLayersModel, saveLayersModel } from './model-files';
export { HEALTH_CHECKS } from './health-checks';
export { MlHealthIndicator } from './ml.health';
export { MlModuleOptions } from './ml.module-definition';
export { MlModule } from './ml.module';
export { MlMode, MlService, MlStatus } from './ml.service';
export { Tf, TfPackage, tfRuntime, TfRuntime } from './tf-runtime';
