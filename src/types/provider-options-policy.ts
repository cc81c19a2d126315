/**
 * What `providerOptions` may not set, per provider type: the fields the adapter owns. Pass-through
 * options tune a request (safety settings, reasoning effort, cache hints, ...); they cannot change
 * which model is called, what is sent as the conversation, whether the answer streams, where the
 * request goes or how it authenticates. Those come from the request and the configuration, and an
 * option that tried to override one would break the adapter's reading of the answer (a plain
 * request answered with SSE) or reroute the call. Such an option is a 400 naming it, before any
 * network call. Documented in docs/configuration.md and docs/security-guarantees.md.
 */

/** Owned by every adapter, whatever its type (custom types included). */
const OWNED_BY_EVERY_ADAPTER: Readonly<Record<string, string>> = {
  model: 'the model (use the request model or provider/model)',
  messages: 'the messages',
  stream: 'the stream mode (use stream / chatCompletionStream)',
};

/** Transport and credentials: configuration, never a request option. Compared case- and punctuation-insensitively. */
const TRANSPORT_AND_AUTH = [
  'url',
  'baseurl',
  'endpoint',
  'headers',
  'apikey',
  'key',
  'xapikey',
  'xgoogapikey',
  'authorization',
  'accesstoken',
];

/** Per built-in type, the body fields its adapter builds from the request. */
export const ADAPTER_OWNED_OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  openai: { ...OWNED_BY_EVERY_ADAPTER, stream_options: 'the stream mode' },
  'openai-compatible': { ...OWNED_BY_EVERY_ADAPTER, stream_options: 'the stream mode' },
  anthropic: { ...OWNED_BY_EVERY_ADAPTER, system: 'the messages (system prompt)' },
  gemini: {
    ...OWNED_BY_EVERY_ADAPTER,
    contents: 'the messages',
    systemInstruction: 'the messages (system prompt)',
    system_instruction: 'the messages (system prompt)',
  },
  vertexai: {
    ...OWNED_BY_EVERY_ADAPTER,
    contents: 'the messages',
    systemInstruction: 'the messages (system prompt)',
    system_instruction: 'the messages (system prompt)',
  },
};

const normalize = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Why `key` may not be set through provider options for a provider of `type` (undefined: it may).
 * `type` undefined means the type is not known yet (options keyed by provider name): only what
 * every adapter owns is checked then; the adapter checks again with its type.
 */
export function ownedOptionReason(type: string | undefined, key: string): string | undefined {
  if (TRANSPORT_AND_AUTH.includes(normalize(key))) return 'the URL and credentials (configuration)';
  const owned =
    type !== undefined && Object.hasOwn(ADAPTER_OWNED_OPTIONS, type)
      ? ADAPTER_OWNED_OPTIONS[type]
      : OWNED_BY_EVERY_ADAPTER;
  return owned && Object.hasOwn(owned, key) ? owned[key] : undefined;
}

/** Keys of `providerOptions` itself that would reach a prototype on lookup. */
export const RESERVED_OPTION_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
