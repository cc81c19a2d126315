import type { DefaultsConfigInput, RequestDefaults } from '../../config/defaults-config-schema.js';
import { defaultsConfigSchema } from '../../config/defaults-config-schema.js';
import type { ChatRequest } from '../../types/request.js';
import type { ChatMiddleware } from './chat-middleware.js';

/**
 * Request defaults: settings applied when a request does not set them, for every request and per
 * route (`routes.<route>` on top, keyed by the request's `model` as given). A request's own values
 * always win; `system` is put first only when the request has no system message of its own.
 */
export function defaultsMiddleware(settings: DefaultsConfigInput): ChatMiddleware {
  const { routes, ...global } = defaultsConfigSchema.parse(settings);
  const forRoute = new Map<string, RequestDefaults>(
    Object.entries(routes).map(([route, own]) => [route, { ...global, ...own }]),
  );
  return {
    name: 'defaults',
    transformRequest(request, ctx) {
      return applyDefaults(request, forRoute.get(ctx.route) ?? global);
    },
  };
}

function applyDefaults(request: ChatRequest, defaults: RequestDefaults): ChatRequest {
  const { system, ...sampling } = defaults;
  let result: ChatRequest = request;
  for (const [key, value] of Object.entries(sampling) as [keyof typeof sampling, unknown][]) {
    if (value !== undefined && request[key] === undefined) {
      result = { ...result, [key]: value };
    }
  }
  if (system !== undefined && !request.messages.some((m) => m.role === 'system')) {
    result = { ...result, messages: [{ role: 'system', content: system }, ...request.messages] };
  }
  return result;
}
