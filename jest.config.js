// @ts-check
/**
 * The projects: unit specs beside the source, the API's e2e suite on each HTTP adapter, the
 * Kubernetes manifests' checks, the lint rules' own checks, the training CLI's e2e suite and the
 * engine's quality specs. Library aliases come from tsconfig.json's `paths`, so each lib is
 * declared once.
 */
const { availableParallelism } = require('node:os');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

/** The adapters the API's e2e suite runs on (HTTP_ADAPTER); the first is the default. */
const HTTP_ADAPTERS = ['express', 'fastify'];

/**
 * API e2e specs whose subject no adapter touches, run on the default adapter only: the cluster
 * supervisor (workers, its management listener), reloads, start-up checks of the environment,
 * the committed OpenAPI document's generated types and what an engine thread loads.
 */
const ADAPTER_FREE = [
  'workers',
  'management-port',
  'reload',
  'environment',
  'generated-client-types',
  'decision-log-cluster',
  'thread-modules',
].map((name) => `<rootDir>/apps/api/test/${name}\\.e2e-spec\\.ts$`);

/** @type {import('jest').Config} */
const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  // The build copies package.json into dist/; without this jest sees two packages of one name.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // Transpiled file by file: `npm run lint` checks the types. The specs that run the build load
  // it with Node's require (apps/api/test/built.ts, apps/training-cli/test/run-cli.ts).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest's 5 s default fails a test that starts threads or answers hundreds of learners when the
  // machine is busy (a loaded CI runner); a test that hangs still fails, at 30 s. A run-wide
  // setting: jest ignores it inside a project.
  testTimeout: 30_000,
  // Much of the e2e suites' time is spent waiting on servers and CLIs they spawn: two workers
  // even on two cores.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'],
    },
    // The API's e2e suite, once per HTTP adapter: the same files, with HTTP_ADAPTER set.
    ...HTTP_ADAPTERS.map((adapter) => ({
      ...shared,
      displayName: `e2e-${adapter}`,
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: adapter === HTTP_ADAPTERS[0] ? [] : ADAPTER_FREE,
      globals: { HTTP_ADAPTER: adapter },
      setupFiles: ['<rootDir>/apps/api/test/adapter.setup.ts'],
      globalSetup: '<rootDir>/test/fresh-build.js',
    })),
    {
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/deploy/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'lint',
      testMatch: ['<rootDir>/scripts/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'cli',
      testMatch: ['<rootDir>/apps/training-cli/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/fresh-build.js',
    },
    {
      ...shared,
      // Message-quality and policy property specs of the engine, on a simulated corpus.
      displayName: 'quality',
      testMatch: ['<rootDir>/test/quality/**/*.spec.ts'],
    },
  ],
};
