// The engagement lib's test kit, for tests outside the lib: `@app/engagement/testing`.
export { constantModels, constantUpliftModels } from './model-fixtures';
export { labelledLiveEngine } from './labelled-live-engine';
