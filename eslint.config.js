// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'client/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // The engine is a Zeebe-compatible broker of its own: it must never depend on the product.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/client/**'],
              message: 'engine/ must not import server/ or client/',
            },
          ],
        },
      ],
    },
  },
  {
    // The client talks to the server over HTTP and socket.io only.
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/engine/**'], message: 'client/ uses the HTTP API only' },
          ],
        },
      ],
    },
  },
  {
    // Features do not reach into each other's folders: what one offers the others is its
    // index.ts; what several need belongs in lib/, ui/ or shared/.
    files: ['client/src/features/*/*/**/*.ts', 'client/src/features/*/*/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/engine/**'], message: 'client/ uses the HTTP API only' },
            {
              regex: '^\\.\\./\\.\\./(?!\\.\\.)[^/]+/.+',
              message:
                "a feature imports another feature only through its index.ts ('../../cases'), or from lib/, ui/ or shared/",
            },
          ],
        },
      ],
    },
  },
  {
    // The types both ends of the API use: plain data, no server, client or engine code.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/client/**', '**/engine/**'],
              message: 'shared/ holds API types only and imports nothing of the product',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/client/**'], message: 'server/ must not import client/' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node } },
  },
)
