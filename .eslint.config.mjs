// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const BARREL_ONLY = { group: ['@app/*/*'], message: 'Import libraries only through @app/<lib>.' };

/**
 * The libraries form layers: `learner` (the domain core) depends on no other lib; `rules`, `fomo`
 * and `ml` only on `learner`; `engagement` composes those four; only the apps import `engagement`.
 * A relative import may not leave its library's `src/` either, whatever the depth of the file.
 */
const LIB_DEPENDENCIES = {
  learner: [],
  rules: ['learner'],
  fomo: ['learner'],
  ml: ['learner'],
  engagement: ['learner', 'rules', 'fomo', 'ml'],
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
      const below = '*/'.repeat(depth);
      configs.push({
        files: [`libs/${lib}/src/${below}*.ts`],
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            {
              patterns: [
                BARREL_ONLY,
                layer,
                {
                  group: [`${'../'.repeat(depth + 1)}**`],
                  message: 'Stay inside the library; import another one through @app/<lib>.',
                },
              ],
            },
          ],
        },
      });
    }
  }
  return configs;
}

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
      // Plain JS here is tooling glue (the jest swagger transformer, the OpenAPI lint script),
      // outside the TS project.
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
    // Tests outside the libs may also use a lib's test kit, `@app/<lib>/testing`.
    files: ['apps/*/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ ...BARREL_ONLY, group: ['@app/*/*', '!@app/*/testing'] }] },
      ],
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
