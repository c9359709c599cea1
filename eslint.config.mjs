// @ts-check
// ESLint flat config. `npm run lint` runs it; `npm run format` applies its fixable (formatting) rules.
//  1. typescript-eslint's type-checked recommended rules, plus the rules that keep a take from being
//     lost: no promise left to reject unhandled (no-floating-promises, no-misused-promises).
//  2. The house's import boundaries (see ../shared/style.md): src/core never imports vscode;
//     src/extension reaches the core only through src/core/index.ts.
//  3. The formatting check: @stylistic rules pinned to the style the code already has (Prettier at
//     any print width would have rewritten 1,000+ lines the other branches also touch; see README).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const formatting = {
  '@stylistic/indent': ['error', 2, {
    SwitchCase: 1,
    offsetTernaryExpressions: true,
    // A chain of ternaries is laid out as a table, one case a line (instrumentCommands.ts).
    ignoredNodes: ['ConditionalExpression:has(> ConditionalExpression.alternate)', 'ConditionalExpression > ConditionalExpression.alternate'],
  }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/eol-last': 'error',
  '@stylistic/linebreak-style': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1 }],
  '@stylistic/no-mixed-spaces-and-tabs': 'error',
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/space-in-parens': 'error',
  '@stylistic/template-curly-spacing': 'error',
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/block-spacing': 'error',
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/space-unary-ops': 'error',
  '@stylistic/comma-spacing': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/semi-spacing': 'error',
  '@stylistic/no-extra-semi': 'error',
  '@stylistic/no-multi-spaces': 'error',
  '@stylistic/no-whitespace-before-property': 'error',
  '@stylistic/dot-location': ['error', 'property'],
  '@stylistic/function-call-spacing': 'error',
  '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
  '@stylistic/quote-props': ['error', 'as-needed'],
  // `'a' +` ends a line; `? x` / `: y` and union members (`| { ... }`) start one.
  '@stylistic/operator-linebreak': ['error', 'after', { overrides: { '?': 'before', ':': 'before', '|': 'before', '&': 'before' } }],
  '@stylistic/spaced-comment': 'error',
  '@stylistic/member-delimiter-style': 'error',
  '@stylistic/type-annotation-spacing': 'error',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/vscode/workspace/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  { plugins: { '@stylistic': stylistic }, rules: formatting },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `_name` marks a parameter an override or a callback's signature needs but does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // SCServer's wiring (serverWiring.ts) hands its collaborators objects whose getters read its current state
      // (`get sessionOpen() { return server.session.isOpen; }`): inside a getter `this` is the object.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['server', 'wiring'] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read untyped values on purpose: page-check JSON files, the extension's exported API,
      // osc.js (no types) as the reference encoder, webview messages.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes implement async interfaces without awaiting, and assertions pass methods to spy on.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // Node scripts (the bundler, the icon drawer, this file) and the webviews' scripts (a browser).
  { files: ['*.js', '*.mjs', 'scripts/**/*.js'], languageOptions: { globals: { ...globals.node } } },
  { files: ['media/**/*.js'], languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } } },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core is plain Node (tests, the benchmark and the CLI run it without VS Code): adapt it in src/extension instead.' }],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+core/',
          message: 'src/extension imports the core only through src/core/index.ts (`../core` or `../../core`): export what you need there.',
        }],
      }],
    },
  },
  // test/** and bench/** may import core internals: they test and measure the pieces the index does
  // not export (the decoder, the reply router, the allocators' insides).
);
