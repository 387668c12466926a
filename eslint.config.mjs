// ESLint 9 flat config. Run by `npm run lint` and as part of `npm test`.
// Syntax-only rules (no type information), so linting the whole tree takes seconds.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/** SQL lives in *.repository.ts, *.query.ts and *.sql.ts files (docs/write-path.md). */
const RAW_QUERY = {
  selector: "CallExpression[callee.property.name='query']",
  message: 'Raw SQL belongs in a *.repository.ts, *.query.ts or *.sql.ts file (one owning repository per table).',
};

/** Modules are imported where they are used; nothing in src/modules is global. */
const GLOBAL_MODULE = {
  selector: "Decorator[expression.callee.name='Global']",
  message: 'No @Global() modules under src/modules: import the module that provides what you need.',
};

const SQL_FILES = ['**/*.repository.ts', '**/*.query.ts', '**/*.sql.ts'];

/**
 * Exceptions that predate the rules, each with its reason. Do not add to these lists: put new SQL
 * in a repository or query file, and import modules rather than making them global.
 */
const RAW_QUERY_EXCEPTIONS = [
  // `SELECT 1` liveness probe of the pool (no table, no org).
  'src/modules/health/health.controller.ts',
  // The delivery read joining message, conversation, customer and account; to move into a query file.
  'src/modules/channels/outbound/outbound.processor.ts',
];
const GLOBAL_EXCEPTIONS = [
  // Cross-cutting by design: the access guard and policy, the audit writer and the unit of work
  // are used by every feature module.
  'src/modules/access/access.module.ts',
  'src/modules/audit/audit.module.ts',
  'src/modules/events/events.module.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '**/*.js', '**/*.cjs'] },
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // Provider payloads and library internals are typed at the boundary; `any` stays a review matter.
      '@typescript-eslint/no-explicit-any': 'off',
      // Input normalisation matches NUL and other control characters on purpose.
      'no-control-regex': 'off',
      // As tsc's noUnusedParameters: a leading underscore marks an intentionally unused name.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // One block, no blank lines: side-effect imports, packages, then relative paths, each alphabetical.
      'simple-import-sort/imports': ['error', { groups: [['^\\u0000', '^node:', '^@?\\w', '^', '^\\.']] }],
      'simple-import-sort/exports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [...SQL_FILES, 'src/infra/**', ...RAW_QUERY_EXCEPTIONS],
    rules: { 'no-restricted-syntax': ['error', RAW_QUERY] },
  },
  {
    files: ['src/modules/**/*.ts'],
    ignores: [...SQL_FILES, ...RAW_QUERY_EXCEPTIONS, ...GLOBAL_EXCEPTIONS],
    rules: { 'no-restricted-syntax': ['error', RAW_QUERY, GLOBAL_MODULE] },
  },
  {
    files: [...SQL_FILES.map((f) => `src/modules/${f}`), ...RAW_QUERY_EXCEPTIONS],
    ignores: GLOBAL_EXCEPTIONS,
    rules: { 'no-restricted-syntax': ['error', GLOBAL_MODULE] },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The benchmark runs against a built server; it never reaches into the test harness.
    files: ['bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**', '../test/*', '../../test/*'], message: 'bench/ must not import test support code.' }] }] },
  },
);
