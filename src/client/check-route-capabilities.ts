import type { FieldIssue } from '../errors/configuration-error.js';
import { ValidationError } from '../errors/validation-error.js';
import {
  PROVIDER_CAPABILITIES,
  droppedParamsFor,
  fileKinds,
} from '../providers/shared/capabilities.js';
import type { ParsedChatRequest } from '../types/request.js';
import type { RouteCandidate } from './provider-slot.js';

const describe = (candidate: RouteCandidate): string =>
  `${candidate.slot.name} (${candidate.slot.provider.type})`;

/**
 * Checks a request against what the providers of its route can take, before any upstream call.
 * Providers that cannot read the request's `file` parts are left out of the route (they could
 * only fail); when none is left, a ValidationError names each provider and why. With
 * `strictParams`, a field some provider of the route would drop is refused, naming the provider
 * and the fields, instead of being dropped and reported in `droppedParams`.
 */
export function checkRouteCapabilities<C extends RouteCandidate>(
  request: ParsedChatRequest,
  candidates: readonly C[],
): C[] {
  let usable = [...candidates];
  const files = fileKinds(request.messages);
  if (files.data || files.fileId) {
    const accepts = (c: C): boolean => {
      const caps = PROVIDER_CAPABILITIES[c.slot.provider.type];
      if (!caps) return true;
      return (!files.data || caps.files.data) && (!files.fileId || caps.files.fileId);
    };
    usable = usable.filter(accepts);
    if (!usable.length && candidates.length) {
      const what = files.fileId
        ? 'file parts with a fileId (OpenAI Files API)'
        : 'file (PDF) parts';
      throw new ValidationError([
        {
          path: 'messages',
          message: `no provider of model "${request.model ?? 'default'}" can take ${what}: ${candidates
            .map(describe)
            .join(
              ', ',
            )}${files.fileId ? '; only OpenAI reads file ids, send the PDF as base64 data for others' : ''}`,
        },
      ]);
    }
  }
  if (request.strictParams) {
    const issues: FieldIssue[] = [];
    for (const candidate of usable) {
      const dropped = droppedParamsFor(candidate.slot.provider.type, request);
      if (dropped.length) {
        issues.push({
          path: dropped[0] as string,
          message: `provider ${describe(candidate)} cannot honour ${dropped.join(', ')} (strictParams is on)`,
        });
      }
    }
    if (issues.length) throw new ValidationError(issues);
  }
  return usable;
}
