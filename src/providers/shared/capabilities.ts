import type { ContentPart } from '../../types/content-part.js';
import type { ChatMessage } from '../../types/message.js';
import type { ParsedChatRequest } from '../../types/request.js';

/** Request fields a provider may be unable to honour; reported by these (unified) names. */
export const DROPPABLE_PARAMS = [
  'topK',
  'seed',
  'frequencyPenalty',
  'presencePenalty',
  'logitBias',
  'serviceTier',
  'promptCacheKey',
  'safetyIdentifier',
  'verbosity',
  'reasoning',
  'cacheControl',
] as const;
export type DroppableParam = (typeof DROPPABLE_PARAMS)[number];

export interface ProviderCapabilities {
  /** Fields this provider type cannot honour: dropped for it, named in `droppedParams`. */
  unsupported: readonly DroppableParam[];
  /** `file` parts: base64 PDF bytes, and ids of files uploaded beforehand (OpenAI Files API). */
  files: { data: boolean; fileId: boolean };
}

/**
 * What each built-in provider type can take. A custom type is not in this table and is assumed to
 * take everything (its adapter decides). Keep in step with docs/fidelity.md.
 */
const GEMINI: ProviderCapabilities = {
  unsupported: [
    'logitBias',
    'serviceTier',
    'promptCacheKey',
    'safetyIdentifier',
    'verbosity',
    'cacheControl',
  ],
  files: { data: true, fileId: false },
};

export const PROVIDER_CAPABILITIES: Readonly<Record<string, ProviderCapabilities>> = {
  openai: { unsupported: ['topK', 'cacheControl'], files: { data: true, fileId: true } },
  'openai-compatible': {
    unsupported: ['serviceTier', 'promptCacheKey', 'safetyIdentifier', 'verbosity', 'cacheControl'],
    files: { data: false, fileId: false },
  },
  anthropic: {
    unsupported: [
      'seed',
      'frequencyPenalty',
      'presencePenalty',
      'logitBias',
      'serviceTier',
      'promptCacheKey',
      'safetyIdentifier',
      'verbosity',
    ],
    files: { data: true, fileId: false },
  },
  gemini: GEMINI,
  vertexai: GEMINI,
};

/** Whether a provider type honours a field (custom types: yes). */
export const honours = (type: string, param: DroppableParam): boolean =>
  !(PROVIDER_CAPABILITIES[type]?.unsupported.includes(param) ?? false);

const partsOf = (message: ChatMessage): readonly ContentPart[] => {
  const content = message.content;
  return typeof content === 'string' || content === null || content === undefined ? [] : content;
};

/** Whether any text part of the conversation carries `cacheControl`. */
export const usesCacheControl = (messages: readonly ChatMessage[]): boolean =>
  messages.some((m) => partsOf(m).some((p) => p.type === 'text' && p.cacheControl !== undefined));

/** The kinds of file part the conversation holds. */
export function fileKinds(messages: readonly ChatMessage[]): { data: boolean; fileId: boolean } {
  const kinds = { data: false, fileId: false };
  for (const message of messages) {
    for (const part of partsOf(message)) {
      if (part.type !== 'file') continue;
      if ('fileId' in part) kinds.fileId = true;
      else kinds.data = true;
    }
  }
  return kinds;
}

type RequestFields = Pick<ParsedChatRequest, 'messages'> &
  Partial<Pick<ParsedChatRequest, Exclude<DroppableParam, 'cacheControl'>>>;

/** The fields of this request that a provider type cannot honour, in a stable order. */
export function droppedParamsFor(type: string, request: RequestFields): DroppableParam[] {
  const caps = PROVIDER_CAPABILITIES[type];
  if (!caps) return [];
  return caps.unsupported.filter((param) =>
    param === 'cacheControl' ? usesCacheControl(request.messages) : request[param] !== undefined,
  );
}
