import switchyard from '@switchyard/eslint-config';

export default [
  ...switchyard,
  // The type-aware rules find each file's tsconfig.json from here.
  { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } } },
];
