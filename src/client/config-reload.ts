import type { FlexiAIConfig } from '../config/config-schema.js';
import { configEqual } from '../config/config-equal.js';
import { ConfigurationError, type FieldIssue } from '../errors/configuration-error.js';

/** What a hot reload changed, by name (never a value). */
export interface ConfigChanges {
  providersAdded: string[];
  providersRemoved: string[];
  /** Providers that stay with different settings. */
  providersChanged: string[];
  routesAdded: string[];
  routesRemoved: string[];
  routesChanged: string[];
  /** Other top-level sections that changed (`retry`, `budgets`, `cache`, `server`, ...). */
  sections: string[];
}

/** The outcome of a successful `ai.updateConfig`. */
export interface ReloadResult {
  ok: true;
  /** Epoch ms of the reload. */
  at: number;
  changes: ConfigChanges;
  /** Changed settings that take effect only at the next start (e.g. `server.port`). */
  warnings: string[];
}

/** The last reload, as `getConfigStatus()` and the gateway's `/health` show it. */
export interface LastReload {
  /** Epoch ms. */
  at: number;
  ok: boolean;
  /** Why it was refused (field paths and messages, never a value). */
  error?: string;
  /** The refused fields. */
  issues?: FieldIssue[];
  changes?: ConfigChanges;
  warnings?: string[];
}

/** How the configuration in force came to be. */
export interface ConfigStatus {
  /** Epoch ms when the configuration in force was loaded (construction or last successful reload). */
  loadedAt: number;
  /** Successful reloads. */
  reloads: number;
  /** Refused reloads (the previous configuration kept serving). */
  failedReloads: number;
  lastReload: LastReload | null;
}

/** Sections a reload keeps as they were at start; changing them logs a warning. */
const RESTART_ONLY: ReadonlyArray<{ path: string; pick: (c: FlexiAIConfig) => unknown }> = [
  { path: 'server.host', pick: (c) => c.server.host },
  { path: 'server.port', pick: (c) => c.server.port },
  { path: 'server.bodyLimitBytes', pick: (c) => c.server.bodyLimitBytes },
  { path: 'server.requestTimeoutMs', pick: (c) => c.server.requestTimeoutMs },
  { path: 'server.headersTimeoutMs', pick: (c) => c.server.headersTimeoutMs },
  { path: 'server.keepAliveTimeoutMs', pick: (c) => c.server.keepAliveTimeoutMs },
  { path: 'server.shutdownTimeoutMs', pick: (c) => c.server.shutdownTimeoutMs },
  { path: 'logging.level', pick: (c) => c.logging.level },
  { path: 'observability', pick: (c) => c.observability },
  { path: 'ledger', pick: (c) => c.ledger },
];

/**
 * Checks what a reload cannot change: `sync` (the shared-state backend and its connection) is
 * refused with a ConfigurationError naming it; restart-only settings come back as warnings.
 */
export function checkReloadable(current: FlexiAIConfig, next: FlexiAIConfig): string[] {
  if (!configEqual(current.sync, next.sync)) {
    throw new ConfigurationError('Invalid configuration reload:', {
      issues: [
        {
          path: 'sync',
          message:
            'cannot change on reload (the shared-state backend is fixed at start); restart to change it',
        },
      ],
    });
  }
  return RESTART_ONLY.filter(({ pick }) => !configEqual(pick(current), pick(next))).map(
    ({ path }) => `${path} changed: it takes effect at the next start, not on reload`,
  );
}

/** What changed between two configurations, by provider, route and section name. */
export function diffConfig(before: FlexiAIConfig, after: FlexiAIConfig): ConfigChanges {
  const providersBefore = new Map(before.providers.map((p) => [p.name, p]));
  const providersAfter = new Map(after.providers.map((p) => [p.name, p]));
  const routesBefore = before.routes;
  const routesAfter = after.routes;
  const names = (m: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>) =>
    m instanceof Map ? [...m.keys()] : Object.keys(m);
  const sections = (Object.keys({ ...before, ...after }) as (keyof FlexiAIConfig)[]).filter(
    (key) => key !== 'providers' && key !== 'routes' && !configEqual(before[key], after[key]),
  );
  return {
    providersAdded: names(providersAfter).filter((n) => !providersBefore.has(n)),
    providersRemoved: names(providersBefore).filter((n) => !providersAfter.has(n)),
    providersChanged: names(providersAfter).filter(
      (n) => providersBefore.has(n) && !configEqual(providersBefore.get(n), providersAfter.get(n)),
    ),
    routesAdded: names(routesAfter).filter((n) => !Object.hasOwn(routesBefore, n)),
    routesRemoved: names(routesBefore).filter((n) => !Object.hasOwn(routesAfter, n)),
    routesChanged: names(routesAfter).filter(
      (n) => Object.hasOwn(routesBefore, n) && !configEqual(routesBefore[n], routesAfter[n]),
    ),
    sections,
  };
}

/** One line for the log: what changed, by name. */
export function describeChanges(changes: ConfigChanges): string {
  const parts: string[] = [];
  const list = (label: string, names: string[]) => {
    if (names.length) parts.push(`${label} ${names.join(', ')}`);
  };
  list('providers added:', changes.providersAdded);
  list('removed:', changes.providersRemoved);
  list('changed:', changes.providersChanged);
  list('routes added:', changes.routesAdded);
  list('routes removed:', changes.routesRemoved);
  list('routes changed:', changes.routesChanged);
  list('sections:', changes.sections);
  return parts.length ? parts.join('; ') : 'no changes';
}
