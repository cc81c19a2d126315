import type { Tiktoken } from 'js-tiktoken/lite';

/** The BPE encoding an OpenAI model uses; undefined for models of other vendors. */
export function openAIEncodingOf(model: string): 'o200k_base' | 'cl100k_base' | undefined {
  const id = model.toLowerCase().slice(model.lastIndexOf('/') + 1);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o|gpt-oss)/.test(id)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(id)) return 'cl100k_base';
  return undefined;
}

const encoders = new Map<string, Tiktoken>();
const loading = new Map<string, Promise<Tiktoken>>();

/**
 * Loads the encoding of an OpenAI model (js-tiktoken, loaded on first use: its rank tables are
 * a few MB, so a client that never estimates never pays for them). Resolves to false for models
 * that are not OpenAI's, or when the tokenizer cannot be loaded.
 */
export async function loadTokenizer(model: string): Promise<boolean> {
  const encoding = openAIEncodingOf(model);
  if (!encoding) return false;
  if (encoders.has(encoding)) return true;
  let pending = loading.get(encoding);
  if (!pending) {
    pending = (async () => {
      const { Tiktoken } = await import('js-tiktoken/lite');
      const ranks =
        encoding === 'o200k_base'
          ? (await import('js-tiktoken/ranks/o200k_base')).default
          : (await import('js-tiktoken/ranks/cl100k_base')).default;
      const encoder = new Tiktoken(ranks);
      encoders.set(encoding, encoder);
      return encoder;
    })();
    loading.set(encoding, pending);
  }
  try {
    await pending;
    return true;
  } catch {
    loading.delete(encoding);
    return false;
  }
}

/** A token count, and whether it came from the model's own tokenizer. */
export interface TokenCount {
  tokens: number;
  exact: boolean;
}

/**
 * Tokens in `text` for `model`: exact with the OpenAI tokenizer once it is loaded (see
 * `loadTokenizer`); otherwise the documented approximation, one token per 4 bytes of UTF-8,
 * rounded up (about 4 characters of English per token; more tokens for other scripts).
 */
export function countTokens(text: string, model: string): TokenCount {
  if (text === '') return { tokens: 0, exact: true };
  const encoding = openAIEncodingOf(model);
  const encoder = encoding ? encoders.get(encoding) : undefined;
  if (encoder) return { tokens: encoder.encode(text, 'all').length, exact: true };
  return { tokens: Math.ceil(Buffer.byteLength(text, 'utf8') / 4), exact: false };
}
