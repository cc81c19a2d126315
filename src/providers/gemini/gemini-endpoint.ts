import { ValidationError } from '../../errors/validation-error.js';

export const GEMINI_API_BASE_URL = 'https://generativelanguage.googleapis.com';

/** Where one provider's calls go: the Gemini API or a Vertex AI project and location. */
export type GeminiEndpointConfig =
  | { kind: 'gemini'; baseURL?: string | undefined }
  | { kind: 'vertexai'; baseURL?: string | undefined; project: string; location: string };

export type GeminiMethod =
  'generateContent' | 'streamGenerateContent' | 'countTokens' | 'batchEmbedContents' | 'predict';

const VERSION_SUFFIX = /\/v1(?:alpha|beta|beta1)?$/;

/** `https://{location}-aiplatform.googleapis.com`, or the global endpoint for `global`. */
export function vertexHost(location: string): string {
  return location === 'global'
    ? 'https://aiplatform.googleapis.com'
    : `https://${location}-aiplatform.googleapis.com`;
}

/** Model ids end up in a URL path: only the characters real model names use are accepted. */
function checkModel(model: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@/-]*$/.test(model) || model.includes('..')) {
    throw new ValidationError([
      { path: 'model', message: 'is not a valid Gemini model name (letters, digits, . _ - / @)' },
    ]);
  }
}

/**
 * URLs of the Gemini wire. The Gemini API: `{baseURL}/v1beta/models/{model}:{method}`. Vertex AI:
 * `{host}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`.
 * A baseURL that already ends with its version (`/v1beta`, `/v1`) is used as it is. The API key
 * never goes in a URL: it travels in the `x-goog-api-key` header.
 */
export class GeminiEndpoint {
  private readonly root: string;

  constructor(private readonly config: GeminiEndpointConfig) {
    const base = (
      config.baseURL ??
      (config.kind === 'gemini' ? GEMINI_API_BASE_URL : vertexHost(config.location))
    ).replace(/\/+$/, '');
    this.root = VERSION_SUFFIX.test(base)
      ? base
      : `${base}/${config.kind === 'gemini' ? 'v1beta' : 'v1'}`;
  }

  /** The model's resource name below the version root. */
  resource(model: string): string {
    checkModel(model);
    if (this.config.kind === 'gemini') {
      return model.startsWith('models/') || model.startsWith('tunedModels/')
        ? model
        : `models/${model}`;
    }
    if (model.startsWith('projects/')) return model;
    const { project, location } = this.config;
    const scope = `projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`;
    if (model.startsWith('publishers/')) return `${scope}/${model}`;
    return `${scope}/publishers/google/models/${model}`;
  }

  /** `generateContent`, `countTokens`, or `streamGenerateContent?alt=sse`. */
  call(model: string, method: GeminiMethod): URL {
    const url = new URL(`${this.root}/${this.resource(model)}:${method}`);
    if (method === 'streamGenerateContent') url.searchParams.set('alt', 'sse');
    return url;
  }

  /**
   * The cheap authenticated call of health checks. Gemini API: `GET models/{model}`. Vertex AI:
   * `POST ...models/{model}:countTokens` (free; proves the token, the project's access and the
   * model; v1 has no `models.get` for publisher models).
   */
  healthCheck(model: string): { url: URL; method: 'GET' | 'POST'; body?: string } {
    if (this.config.kind === 'gemini')
      return { url: new URL(`${this.root}/${this.resource(model)}`), method: 'GET' };
    return {
      url: new URL(`${this.root}/${this.resource(model)}:countTokens`),
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'ping' }] }] }),
    };
  }
}
