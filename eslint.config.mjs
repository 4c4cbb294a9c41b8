// Lint: typescript-eslint's recommended rules plus the project's layering rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/fixtures hold hostile inputs (learner code, models) as data: they are read, not built.
  { ignores: ['test/fixtures/**', '.tmp/**', 'dist/**', 'node_modules/**', '.data/**', 'libs/db/src/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': 'off',
    },
  },
  {
    // libs/config is the only reader of process.env (CONVENTIONS.md).
    files: ['apps/**/*.ts', 'libs/db/**/*.ts', 'libs/domain/**/*.ts', 'sandboxes/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read configuration through @app/config' },
      ],
    },
  },
  {
    // Only libs/db touches the Prisma client.
    files: ['apps/**/*.ts', 'libs/!(db)/**/*.ts', 'sandboxes/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/generated/prisma*', '@prisma/client', '@prisma/client/*'], message: 'use a repository from @app/db' }] },
      ],
    },
  },
);
