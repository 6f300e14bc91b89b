// Lint rules, including the two layer boundaries of the house style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The web apps run in the browser: browser globals, and nothing of the server side.
    files: ['src/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        sessionStorage: 'readonly',
        XMLHttpRequest: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/servers/**', '**/modules/**', '**/db/**', '**/platform/**'],
              message: 'The web apps talk to the server only through its HTTP API.',
            },
          ],
        },
      ],
    },
  },
  {
    // The domain knows nothing of HTTP or the UI.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', 'fastify/*', '@fastify/*', 'react', 'react-dom'],
              message: 'src/modules must not depend on HTTP or UI frameworks.',
            },
            {
              group: ['**/servers/**', '**/web/**'],
              message: 'src/modules must not import servers or web code.',
            },
          ],
        },
      ],
    },
  },
  {
    // The DMZ portal never reaches into the internal server (or the database).
    files: ['src/servers/portal/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/servers/internal/**'], message: 'The portal must not import the internal server.' },
            {
              group: ['**/db/**', '**/modules/**', 'pg', 'kysely', '@electric-sql/*'],
              message: 'The portal holds no database access and no domain code.',
            },
          ],
        },
      ],
    },
  },
  {
    // No process.env outside the config module and the CLI/test entry points.
    files: ['src/**/*.ts'],
    ignores: ['src/platform/config.ts', 'src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/platform/config.ts.' },
      ],
    },
  },
);
