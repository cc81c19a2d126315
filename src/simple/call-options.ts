import type { ChatRequest } from '../types/request.js';

/** Request fields the simple API passes through to `chatCompletion` as they are. */
export type RequestFields = Pick<
  ChatRequest,
  | 'model'
  | 'temperature'
  | 'maxTokens'
  | 'topP'
  | 'topK'
  | 'stop'
  | 'seed'
  | 'frequencyPenalty'
  | 'presencePenalty'
  | 'user'
  | 'metadata'
  | 'correlationId'
  | 'providerOptions'
  | 'signal'
>;

/** Options of every simple call: a system message, then any request field (`model`, sampling, `signal`, ...). */
export interface CallOptions extends RequestFields {
  /** Sent as the first message, before the prompt. */
  system?: string;
}

/** Messages as `chatCompletion` takes them. */
export type Messages = ChatRequest['messages'];

/**
 * Merges layers of options, later ones winning field by field; `signal`s are combined (either one
 * aborting aborts the call) and `undefined` never overrides a value.
 */
export function mergeCallOptions<T extends CallOptions>(...layers: (T | undefined)[]): T {
  const out: Record<string, unknown> = {};
  let signal: AbortSignal | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(layer)) {
      const value = (layer as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (key === 'signal') {
        signal =
          signal && signal !== value
            ? AbortSignal.any([signal, value as AbortSignal])
            : (value as AbortSignal);
      } else {
        out[key] = value;
      }
    }
  }
  if (signal) out.signal = signal;
  return out as T;
}
