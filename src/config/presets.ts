/**
 * Named presets (`preset: interactive | batch`): several options at once, filled in under what the
 * config sets itself, so explicit options always win. Applied to the raw config before validation.
 */
export const PRESET_NAMES = ['interactive', 'batch'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

interface Preset {
  retry: Record<string, number>;
  circuitBreaker: Record<string, number>;
  /** Per-provider timeouts (each provider's own value wins). */
  provider: Record<string, number>;
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  /** Chat UIs: tight first-token deadlines, one retry, fail over fast, trip circuits early. */
  interactive: {
    retry: { maxAttempts: 2, initialDelayMs: 100, maxDelayMs: 1_000, budgetMs: 5_000 },
    circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 30_000 },
    provider: {
      timeoutMs: 30_000,
      connectTimeoutMs: 2_000,
      firstByteTimeoutMs: 10_000,
      firstOutputTimeoutMs: 8_000,
      idleTimeoutMs: 10_000,
    },
  },
  /** Batch jobs: patient retries with long backoff, long timeouts, circuits slow to open. */
  batch: {
    retry: {
      maxAttempts: 5,
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      budgetMs: 300_000,
      defaultCooldownMs: 5_000,
    },
    circuitBreaker: { failureThreshold: 10, recoveryTimeoutMs: 60_000 },
    provider: {
      timeoutMs: 600_000,
      connectTimeoutMs: 10_000,
      firstByteTimeoutMs: 300_000,
      idleTimeoutMs: 120_000,
    },
  },
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The raw config with its preset's values filled in where the config sets none. An unknown preset
 * name is left for the schema to report (`preset: Invalid option ...`). First-byte and first-output
 * deadlines from a preset never exceed the provider's own `timeoutMs`.
 */
export function applyPreset(raw: Record<string, unknown>): Record<string, unknown> {
  const name = raw.preset;
  if (typeof name !== 'string' || !(PRESET_NAMES as readonly string[]).includes(name)) return raw;
  const preset = PRESETS[name as PresetName];
  const under = (own: unknown, defaults: Record<string, number>) =>
    isRecord(own) ? { ...defaults, ...own } : own === undefined ? { ...defaults } : own;
  const providers = Array.isArray(raw.providers)
    ? raw.providers.map((entry: unknown) => {
        if (!isRecord(entry)) return entry;
        const merged: Record<string, unknown> = { ...preset.provider, ...entry };
        const timeout = merged.timeoutMs;
        for (const field of ['firstByteTimeoutMs', 'firstOutputTimeoutMs']) {
          if (field in entry || typeof timeout !== 'number') continue;
          const value = merged[field];
          if (typeof value === 'number' && value > timeout) merged[field] = timeout;
        }
        return merged;
      })
    : raw.providers;
  return {
    ...raw,
    retry: under(raw.retry, preset.retry),
    circuitBreaker: under(raw.circuitBreaker, preset.circuitBreaker),
    providers,
  };
}
