import { ownedOptionReason, RESERVED_OPTION_KEYS } from '../types/provider-options-policy.js';
import { REQUEST_LIMITS } from '../types/request-limits.js';
import { checkJsonBounds, type JsonBounds } from './json-bounds.js';
import type { PathIssue } from './zod-issues.js';

/** Field names of the open-ended parts of a request, in the library's or the OpenAI wire's spelling. */
export interface RequestFieldNames {
  responseFormat: string;
  jsonSchema: string;
  providerOptions: string;
}

export const LIBRARY_FIELD_NAMES: RequestFieldNames = {
  responseFormat: 'responseFormat',
  jsonSchema: 'jsonSchema',
  providerOptions: 'providerOptions',
};

export const OPENAI_FIELD_NAMES: RequestFieldNames = {
  responseFormat: 'response_format',
  jsonSchema: 'json_schema',
  providerOptions: 'provider_options',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks the open-ended parts of a request (tool parameter schemas, the response JSON schema,
 * provider options) against REQUEST_LIMITS before anything else reads them: depth, size, string
 * lengths, no `__proto__`, and no provider option that sets what the adapter owns. Iterative and
 * bounded, so it is safe on any input, however deep or cyclic; fields of the wrong shape are left
 * to the schema. Returns one issue per bad field, naming its path (never its value).
 */
export function checkRequestBounds(input: unknown, names: RequestFieldNames): PathIssue[] {
  if (!isRecord(input)) return [];
  const issues: PathIssue[] = [];
  const check = (value: unknown, path: string, bounds: JsonBounds): void => {
    const problem = checkJsonBounds(value, bounds);
    if (problem) issues.push({ path, message: problem });
  };

  const tools = input.tools;
  if (Array.isArray(tools)) {
    if (tools.length > REQUEST_LIMITS.maxTools) {
      issues.push({ path: 'tools', message: `more than ${REQUEST_LIMITS.maxTools} tools` });
    } else {
      tools.forEach((tool, i) => {
        const fn = isRecord(tool) ? tool.function : undefined;
        if (isRecord(fn) && fn.parameters !== undefined)
          check(fn.parameters, `tools.${i}.function.parameters`, REQUEST_LIMITS.schema);
      });
    }
  }

  const format = input[names.responseFormat];
  const jsonSchema = isRecord(format) ? format[names.jsonSchema] : undefined;
  if (isRecord(jsonSchema) && jsonSchema.schema !== undefined) {
    check(
      jsonSchema.schema,
      `${names.responseFormat}.${names.jsonSchema}.schema`,
      REQUEST_LIMITS.schema,
    );
  }

  const options = input[names.providerOptions];
  if (isRecord(options)) issues.push(...checkProviderOptions(options, names.providerOptions));
  return issues;
}

function checkProviderOptions(options: Record<string, unknown>, root: string): PathIssue[] {
  const keys = Object.keys(options);
  if (keys.length > REQUEST_LIMITS.maxProviderOptionEntries) {
    return [
      {
        path: root,
        message: `more than ${REQUEST_LIMITS.maxProviderOptionEntries} provider types or names`,
      },
    ];
  }
  const issues: PathIssue[] = [];
  for (const key of keys) {
    const path = `${root}.${key}`;
    if (RESERVED_OPTION_KEYS.has(key) || key.length > REQUEST_LIMITS.maxIdentifierLength) {
      issues.push({ path: root, message: 'holds a key that is not a provider type or name' });
      continue;
    }
    const value = options[key];
    const problem = checkJsonBounds(value, REQUEST_LIMITS.providerOptions);
    if (problem) {
      issues.push({ path, message: problem });
      continue;
    }
    if (!isRecord(value)) continue; // the schema says what it must be
    // The key is a provider type (checked against that type's list) or a provider name (checked
    // against what every adapter owns; the adapter checks again with its own type).
    for (const field of Object.keys(value)) {
      const reason = ownedOptionReason(key, field);
      if (reason) issues.push(ownedIssue(`${path}.${field}`, reason));
    }
  }
  return issues;
}

/** The issue for a provider option that sets what the adapter owns. */
export const ownedIssue = (path: string, reason: string): PathIssue => ({
  path,
  message: `cannot be set through provider options: the adapter owns ${reason}`,
});
