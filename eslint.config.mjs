// ESLint flat config: @eslint/js and typescript-eslint recommended, over every part.
// Run by `npm run lint` (and so by `npm test`) together with `prettier --check`.
// No type-aware rules (recommendedTypeChecked): they need the whole TypeScript program and
// took the run from ~10 s to ~42 s here; `tsc -b` already checks types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'bench/results/', 'test-output/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed parameters and variables are deliberately unused (callbacks, destructuring).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Ambient global declarations must be `declare var` (as in TypeScript's own lib files):
    // only a var becomes a property of globalThis.
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off' },
  },
  {
    // Tests read untyped JSON from the stand-ins and the guard; `as any` there is deliberate.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Build scripts and test runners in plain JavaScript run on Node.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // CommonJS on Node (test/e2e's helper extension: VS Code loads extensions with require).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Core is pure: no Node builtins (a fast first line of defence; test/boundaries.test.ts
    // checks what actually gets bundled, dependencies included).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'core is pure: no Node builtins (see DESIGN.md "The parts").' })),
          patterns: [{ group: ['node:*'], message: 'core is pure: no Node builtins (see DESIGN.md "The parts").' }],
        },
      ],
    },
  },
);
