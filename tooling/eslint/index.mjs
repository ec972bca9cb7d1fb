import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.turbo/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Configuration is read in exactly one validated place per app (env.ts).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through the env.ts of this app or package.' }],
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
