// @ts-check
/**
 * The projects: unit specs beside the source, the API's e2e suite on each HTTP adapter, the
 * Kubernetes manifests' checks, the lint rules' own checks, the training CLI's e2e suite and the
 * engine's quality specs. Library aliases come from tsconfig.json's `paths`, so each lib is
 * declared once.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

/** The adapters the API's e2e suite runs on (HTTP_ADAPTER). */
const HTTP_ADAPTERS = ['express', 'fastify'];

/** @type {import('jest').Config} */
const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  // The build copies package.json into dist/; without this jest sees two packages of one name.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'],
      // Transpiled file by file: `nest build` and lint check the types, so the unit run need not.
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    },
    // The API's e2e suite, once per HTTP adapter: the same files, with HTTP_ADAPTER set.
    ...HTTP_ADAPTERS.map((adapter) => ({
      ...shared,
      displayName: `e2e-${adapter}`,
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts'],
      globals: { HTTP_ADAPTER: adapter },
      setupFiles: ['<rootDir>/apps/api/test/adapter.setup.ts'],
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          // The swagger plugin documents DTOs at compile time, as `nest build` does.
          {
            astTransformers: { before: ['<rootDir>/apps/api/test/swagger-plugin.transformer.js'] },
          },
        ],
      },
    })),
    {
      ...shared,
      displayName: 'deploy',
      testMatch: ['<rootDir>/deploy/**/*.spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    },
    {
      ...shared,
      displayName: 'lint',
      testMatch: ['<rootDir>/scripts/**/*.spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    },
    {
      ...shared,
      displayName: 'cli',
      testMatch: ['<rootDir>/apps/training-cli/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': 'ts-jest' },
    },
    {
      ...shared,
      // Message-quality and policy property specs of the engine, on a simulated corpus.
      displayName: 'quality',
      testMatch: ['<rootDir>/test/quality/**/*.spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    },
  ],
};
