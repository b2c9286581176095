// Lint rules: typescript-eslint's recommended set, React hooks rules for the renderer.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.stack/**', '.test-stack/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  // The renderer's layers: app/ is the composition root (it may import anything); the slices (inbox,
  // decisions, reviews…) share state only through state/, never through app/; state/ is below every
  // slice and may reach only the ui/ primitives. A cycle through app/ is how the views got tangled.
  {
    files: ['src/renderer/src/**/*.{ts,tsx}'],
    ignores: ['src/renderer/src/app/**', 'src/renderer/src/main.tsx', 'src/renderer/src/state/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+app(/|$)',
              message: 'A slice may not import from app/ (the composition root): shared state lives in state/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/src/state/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!ui/|\\.\\./)',
              message: 'state/ is below the slices: it may import only state/, ui/ primitives and shared/.',
            },
          ],
        },
      ],
    },
  },
)
