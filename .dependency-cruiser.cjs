/**
 * Layering of src/ (docs/architecture.md): dependencies point downward only.
 *   types      <- nothing of ours
 *   internal   <- types
 *   errors     <- types, internal
 *   config, transport, resilience, state   <- types, internal, errors (state may also read resilience
 *              and config: a shared backend parses its own `sync` section)
 *   providers  <- the above, transport, config; never resilience/state/client nor each other
 *   client     <- everything below (and cost, whose middleware the facade installs)
 *   cost       <- types, internal, errors, config, state, and client's middleware/stream types
 *   gateway    <- client and below
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
      'cost',
    ]),
    // cost: pricing, ledger, reports, budgets; middleware and listeners the facade installs. It may
    // read client's middleware and stream types (never the facade: no cycle), and state/redis.
    layer('cost', ['types', 'internal', 'errors', 'config', 'client', 'state']),
    layer('gateway', ['types', 'internal', 'errors', 'config', 'client', 'state', 'transport']),
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
      severity: 'error',
      from: { pathNot: '^src/state/redis/' },
      to: { path: 'node_modules/ioredis' },
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
