// The one ESLint flat config. The root eslint.config.mjs imports it and sets tsconfigRootDir.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import requireDisableReason from './rules/require-disable-reason.mjs';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.turbo/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { switchyard: { rules: { 'require-disable-reason': requireDisableReason } } },
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Configuration is read in exactly one validated place per app (env.ts).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through the env.ts of this app or package.' }],
      // Every eslint-disable says why after ` -- `.
      'switchyard/require-disable-reason': 'error',
    },
  },
  {
    // Type-aware rules: each .ts/.tsx file is checked with the tsconfig.json nearest to it.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: {
          // Files no tsconfig includes (one-off scripts) get a default project.
          allowDefaultProject: ['packages/db/scripts/*.ts'],
        },
      },
    },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection kills a worker).
      '@typescript-eslint/no-floating-promises': 'error',
      // An async callback where a void one is expected (event emitters, timers) drops its rejection.
      '@typescript-eslint/no-misused-promises': 'error',
      // A `!` that is wrong throws far from the cause; each remaining one carries its reason
      // (`// eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- <why it holds>`).
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
  {
    files: ['**/env.ts', '**/*.test.ts', 'bench/**', 'tooling/**', '**/*.config.ts', 'scripts/**', '**/scripts/**', '**/test/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
