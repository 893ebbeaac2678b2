// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslint-layers.mjs';

/**
 * The ways around a library's barrel. `@app/contract/problem` and `@app/contract/decision-log`:
 * the contract's barrel loads the DTOs and with them @nestjs/swagger and class-validator, tens of
 * MB that the cluster supervisor, which only answers probes with problem+json, and the CLI's
 * threads that only read logs, must not pay for. `@app/ml/inference` and
 * `@app/engagement/engine`: the engine without the Nest modules, for the engine's own code and
 * the engine threads, which `@app/contract/without-openapi` spares @nestjs/swagger.
 */
const BARREL_BYPASSES = [
  '@app/contract/problem',
  '@app/contract/decision-log',
  '@app/contract/without-openapi',
  '@app/ml/inference',
  '@app/engagement/engine',
];
const BARREL_ONLY = {
  group: ['@app/*/*', ...BARREL_BYPASSES.map((path) => `!${path}`)],
  message: `Import libraries only through @app/<lib> (or ${BARREL_BYPASSES.join(', ')}).`,
};

/** A test, or a test kit, may also use the kit of a lib it can import: `@app/<lib>/testing`. */
const KIT_ALLOWED = { ...BARREL_ONLY, group: [...BARREL_ONLY.group, '!@app/*/testing'] };

/**
 * The libraries form layers: `learner` (the domain core) depends on no other lib; `rules`, `fomo`
 * and `ml` only on `learner`; `contract` (the wire format) on those; `messages` (catalogs and
 * rendering) on the contract; `engagement` composes them all; only the apps import `engagement`.
 * A relative import may not leave its library's `src/` either, whatever the depth of the file.
 */
const SCORERS = ['learner', 'rules', 'fomo', 'ml'];
const LIB_DEPENDENCIES = {
  learner: [],
  rules: ['learner'],
  fomo: ['learner'],
  ml: ['learner'],
  contract: SCORERS,
  messages: [...SCORERS, 'contract'],
  engagement: [...SCORERS, 'contract', 'messages'],
};

function libraryLayers() {
  const configs = [];
  for (const [lib, allowed] of Object.entries(LIB_DEPENDENCIES)) {
    const layer = {
      group: ['@app/*', ...allowed.map((dep) => `!@app/${dep}`)],
      message: `libs/${lib} may import ${allowed.length === 0 ? 'no other lib' : allowed.map((dep) => `@app/${dep}`).join(', ')}.`,
    };
    // A file n folders below src/ leaves src/ with n + 1 "../".
    for (let depth = 0; depth < 4; depth++) {
      const below = `libs/${lib}/src/${'*/'.repeat(depth)}`;
      const restrict = (barrel) => ({
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              barrel,
              layer,
              {
                group: [`${'../'.repeat(depth + 1)}**`],
                message: 'Stay inside the library; import another one through @app/<lib>.',
              },
            ],
          },
        ],
      });
      configs.push({ files: [`${below}*.ts`], rules: restrict(BARREL_ONLY) });
      configs.push({
        files: [
          `${below}*.spec.ts`,
          ...(depth > 0 ? [`libs/${lib}/src/testing/${'*/'.repeat(depth - 1)}*.ts`] : []),
        ],
        rules: restrict(KIT_ALLOWED),
      });
    }
  }
  return configs;
}

/**
 * Inside each lib and app, folders are layers too, listed bottom first: a relative import points
 * down this order or stays in its own folder (files at the top of `src/` sit above every folder),
 * and a spec may also use the lib's `testing/` kit. A folder that is not listed cannot be
 * imported until it is given its place.
 */
const LAYERS = {
  'libs/contract/src': [
    'problem',
    'answer',
    'request',
    'validators',
    'dto',
    'validation',
    'decision-log',
    'testing',
  ],
  'libs/messages/src': ['locale', 'catalogs', 'render'],
  'apps/training-cli/src': [
    'cli',
    'checks/catalogs',
    'checks/config',
    'score',
    'offline/simulate',
    'offline/dataset',
    'offline/model',
    'closed-loop/uplift',
    'closed-loop/ope',
    'closed-loop/combine',
    'closed-loop/platform',
    'closed-loop/retrain',
    'closed-loop/promote',
    'closed-loop/cycles',
    'offline/train',
    'offline/report',
    'offline/pipeline',
    'closed-loop/report',
  ],
  'apps/api/src': [
    'config',
    'logging',
    'docs',
    'process',
    'http',
    'errors',
    'front-door',
    'decision-log',
    'metrics',
    'health',
    'service',
    'engagement',
  ],
  'libs/engagement/src': [
    'config',
    'candidates',
    'policy',
    'answer',
    'pipeline',
    'nest',
    'testing',
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'data/',
      'models/',
      'reports/',
      '.eslint.config.mjs',
      // Plain JS here is tooling glue (the jest swagger transformer, the OpenAPI lint script, the
      // compiler plugin that keeps exports fast), outside the TS project.
      '**/*.js',
      'scripts/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [BARREL_ONLY] }],
    },
  },
  ...libraryLayers(),
  {
    files: ['{apps,libs}/**/*.ts'],
    ignores: ['**/test/**'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/folder-order': ['error', { roots: LAYERS, kit: 'testing' }] },
  },
  {
    // Tests outside a lib may use its kit: the e2e suites, and the apps' unit specs.
    files: ['apps/*/test/**/*.ts', 'apps/*/src/**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [KIT_ALLOWED] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
