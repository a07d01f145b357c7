import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { noJsxLiterals } from './eslint-rules/no-jsx-literals.js'

const electronBan = {
  name: 'electron',
  message: 'Only src/main/shell and src/main/index.ts may import electron.'
}
const rawIpcBan = {
  paths: [
    { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed bridge (src/main/shell/ipc-bridge.ts or the preload).' }
  ]
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }]
    }
  },
  {
    files: ['*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' }
  },
  // Import boundaries (STYLE.md habit 5): shared ↛ anything, core ↛ electron, renderer ↛ main.
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [{ group: ['**/main/**', '**/preload/**', '**/renderer/**', 'node:*'], message: 'src/shared imports nothing from main, preload, renderer or Node.' }]
        }
      ]
    }
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/shell/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBan], patterns: [{ group: ['electron/*', '**/shell/**', '**/renderer/**', '**/preload/**'], message: 'Core, web host and CLI never import electron or the shell.' }] }
      ]
    }
  },
  {
    files: ['src/main/shell/**/*.ts', 'src/main/index.ts'],
    rules: { 'no-restricted-imports': ['error', rawIpcBan] }
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload uses only the shared contract.' }] }]
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, gatehouse: { rules: { 'no-jsx-literals': noJsxLiterals } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'gatehouse/no-jsx-literals': 'error',
      'no-restricted-imports': [
        'error',
        { paths: [electronBan], patterns: [{ group: ['**/main/**', '**/preload/**', 'node:*'], message: 'The renderer never imports main or preload code.' }] }
      ]
    }
  }
)
