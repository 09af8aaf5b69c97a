import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'out-*/**', '.bench/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        setImmediate: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly', WebAssembly: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', __dirname: 'readonly', require: 'readonly', performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Pure cores must run without VS Code: the CLI, the adapter and the unit tests load them.
    files: ['src/wasi/**', 'src/wasm/**', 'src/goscan/**', 'src/gotool/**', 'src/cli/**', 'src/debug/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Pure core: only src/extension/ may import vscode.' }] }],
    },
  },
);
