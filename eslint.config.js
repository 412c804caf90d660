// Lint: typescript-eslint's recommended rules, and the gateway's layers as eslint-plugin-boundaries policies.
// docs/architecture.md ("Layers, enforced by lint") explains the rules; test/lint-rules.test.ts proves they bite.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** Gateway layers, most specific first (a file belongs to the first element whose folder holds it). */
const ELEMENTS = [
  { type: 'engine-baileys', pattern: 'src/engine/baileys' },
  { type: 'engine-worker', pattern: 'src/engine/worker' },
  { type: 'engine', pattern: 'src/engine' },
  { type: 'http', pattern: 'src/http' },
  { type: 'access', pattern: 'src/access' },
  { type: 'sessions', pattern: 'src/sessions' },
  { type: 'messages', pattern: 'src/messages' },
  { type: 'events', pattern: 'src/events' },
  { type: 'operations', pattern: 'src/operations' },
  { type: 'dashboard', pattern: 'src/dashboard' },
  { type: 'store', pattern: 'src/store' },
  { type: 'config', pattern: 'src/config' },
  { type: 'errors', pattern: 'src/errors' },
  { type: 'shared', pattern: 'src/shared' },
  { type: 'sim', pattern: 'src/sim' },
  // The composition root (src/main.ts, src/app.ts) wires every layer together.
  { type: 'app', pattern: 'src/*.{ts,mjs}', mode: 'file' },
  { type: 'tests', pattern: 'test' },
  { type: 'bench', pattern: 'bench' },
];

/** What each gateway layer may import (besides itself, external packages and node:*). */
const MAY_IMPORT = {
  app: [
    'http',
    'access',
    'sessions',
    'messages',
    'events',
    'operations',
    'engine',
    'engine-baileys',
    'engine-worker',
    'store',
    'config',
    'errors',
    'shared',
  ],
  http: ['access', 'sessions', 'messages', 'events', 'operations', 'config', 'errors', 'shared'],
  sessions: ['engine', 'config', 'errors', 'shared'],
  messages: ['sessions', 'events', 'engine', 'config', 'errors', 'shared'],
  events: ['sessions', 'config', 'errors', 'shared'],
  // Metrics sit beside events: they observe the use cases, nothing imports them but http and the root.
  operations: ['sessions', 'messages', 'events', 'engine', 'config', 'errors', 'shared'],
  // Scoped API keys and who may see which session (issue 15).
  access: ['errors', 'shared'],
  engine: ['errors', 'shared'],
  'engine-baileys': ['engine', 'config', 'errors', 'shared'],
  'engine-worker': ['engine', 'engine-baileys', 'config', 'errors', 'shared'],
  // The store implements the ports that sessions, events, messages and the engine define.
  store: ['access', 'sessions', 'messages', 'events', 'engine', 'config', 'errors', 'shared'],
  // Leaves.
  config: [],
  errors: [],
  shared: [],
  // Browser code: at run time nothing from the gateway (type-only imports are erased; see below).
  dashboard: [],
  // The simulator is a program of its own: it imports no gateway code and the gateway none of it.
  sim: [],
};

const GATEWAY = Object.keys(MAY_IMPORT).filter((type) => type !== 'sim');
const element = (types) => ({ element: { types: { anyOf: types } } });
const outside = (packages) => ({ module: { origin: 'external', source: packages } });

const layerPolicies = [
  // Everything may use packages and node:* builtins; the policies below take some packages away.
  { allow: { to: { module: { origin: ['external', 'core'] } } } },
  ...Object.entries(MAY_IMPORT).map(([type, allowed]) => ({
    from: { element: { type } },
    allow: { to: element([type, ...allowed]) },
    message: `${type} may import only ${[type, ...allowed].join(', ')} (docs/architecture.md)`,
  })),
  {
    from: element(['dashboard']),
    allow: { to: element(GATEWAY), dependency: { kind: 'type' } },
  },
  {
    from: element(GATEWAY.filter((type) => type !== 'engine-baileys')),
    disallow: { to: outside(['@whiskeysockets/baileys', '@whiskeysockets/baileys/**']) },
    message: 'only src/engine/baileys (and the simulator) import Baileys',
  },
  {
    from: element([...GATEWAY.filter((type) => type !== 'store'), 'sim']),
    disallow: { to: outside(['kysely', 'kysely/**', 'better-sqlite3', 'pg', 'pg/**']) },
    message: 'only src/store imports Kysely and the database drivers',
  },
  {
    from: element(['dashboard']),
    disallow: { to: { module: { origin: 'core' } } },
    message: 'dashboard is browser code: no node:* modules',
  },
];

/** The few globals the one .mjs file and Node scripts use (no `globals` package installed). */
const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'URL',
    'Buffer',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: NODE_GLOBALS },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'boundaries/legacy-templates': false,
      'boundaries/legacy-warnings': false,
      'import/resolver': { node: { extensions: ['.ts', '.mjs', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, policies: layerPolicies },
      ],
      // Gateway output goes through pino; the console guard is the one place that touches console.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Tests and benchmarks drive every part (the simulator included); gateway code may not import them.
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: { 'boundaries/dependencies': 'off' },
  },
  {
    // JSON from the wire stays untyped in tests and benchmarks: they assert its shape field by field.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Programs of their own, where the console is the user interface.
    files: [
      'src/sim/**',
      'test/**',
      'bench/**',
      'scripts/**',
      'src/engine/baileys/console-guard.ts',
      'eslint.config.js',
    ],
    rules: { 'no-console': 'off' },
  },
);
