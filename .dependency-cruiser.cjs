/**
 * Layering of src/ (docs/architecture.md): dependencies point downward only.
 *   types      <- nothing of ours
 *   internal   <- types
 *   errors     <- types, internal
 *   config, transport, resilience, state   <- types, internal, errors (state may also read resilience
 *              and config: a shared backend parses its own `sync` section)
 *   providers  <- the above, transport, config; never resilience/state/client nor each other
 *   client     <- everything below, and cache (which the facade installs from config); flexiai.ts
 *                 also binds the simple API (ai.ask, ai.fn, @ai.chat)
 *   simple     <- types, internal, errors, client (the simple API: ask, fn, @chat, structured output)
 *   cache      <- types, internal, errors, config, state (its Redis store), client (the middleware seam)
 *   observability <- client's event types and below (metrics, traces, dashboard figures; the
 *              client facade installs it, so the two layers meet only through type imports)
 *   gateway    <- client, observability, cache and below
 *   cli        <- anything; nothing imports cli
 *   testing    <- types, internal only (the simulated providers stay independent of our adapters)
 */
const layer = (name, allowed) => ({
  name: `layer-${name}`,
  comment: `src/${name} may only import: ${allowed.join(', ') || 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${name}/`, ...allowed.map((a) => `^src/${a}/`)],
  },
});

module.exports = {
  forbidden: [
    layer('types', []),
    layer('internal', ['types']),
    layer('errors', ['types', 'internal']),
    layer('config', ['types', 'internal', 'errors']),
    layer('transport', ['types', 'internal', 'errors']),
    layer('resilience', ['types', 'internal', 'errors']),
    layer('state', ['types', 'internal', 'errors', 'resilience', 'config']),
    layer('providers', ['types', 'internal', 'errors', 'transport', 'config']),
    layer('client', [
      'types',
      'internal',
      'errors',
      'transport',
      'config',
      'providers',
      'resilience',
      'state',
      'simple',
      'cache',
      'observability',
    ]),
    layer('simple', ['types', 'internal', 'errors', 'client']),
    {
      name: 'only-flexiai-binds-simple',
      comment:
        'In client/, only flexiai.ts imports simple/ (its thin ask/fn/chat bindings); simple/ builds on a ChatClient.',
      severity: 'error',
      from: { path: '^src/client/', pathNot: '^src/client/flexiai\\.ts$' },
      to: { path: '^src/simple/' },
    },
    layer('cache', ['types', 'internal', 'errors', 'config', 'state', 'client']),
    layer('observability', [
      'types',
      'internal',
      'errors',
      'config',
      'client',
      'state',
      'providers',
    ]),
    layer('gateway', [
      'types',
      'internal',
      'errors',
      'config',
      'client',
      'state',
      'transport',
      'cache',
      'observability',
    ]),
    layer('testing', ['types', 'internal']),
    {
      name: 'providers-not-each-other',
      comment:
        'A provider folder never imports another provider folder (shared code lives in providers/shared).',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: {
        path: '^src/providers/([^/]+)/',
        pathNot: ['^src/providers/$1/', '^src/providers/shared/'],
      },
    },
    {
      name: 'only-redis-folder-imports-redis',
      comment:
        'ioredis is an optional peer: only the Redis folders import it, and they are loaded only when configured.',
      severity: 'error',
      from: { pathNot: '^src/(state|cache)/redis/' },
      to: { path: 'node_modules/ioredis' },
    },
    {
      name: 'redis-folders-loaded-when-configured',
      comment:
        'The Redis folders (and so ioredis) are loaded only by dynamic import, by the code that reads the config.',
      severity: 'error',
      from: {
        pathNot: [
          '^src/(state|cache)/redis/',
          '^src/client/flexiai\\.ts$',
          '^src/cache/create-cache\\.ts$',
        ],
      },
      to: { path: '^src/(state|cache)/redis/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
