/**
 * Each e2e project sets the global HTTP_ADAPTER (jest.config.js): apps built in process and
 * servers spawned from it then run on that adapter.
 */
process.env.HTTP_ADAPTER = (globalThis as { HTTP_ADAPTER?: string }).HTTP_ADAPTER;
