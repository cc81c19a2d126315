/** Limits on one open-ended JSON value a client supplies (a JSON schema, provider options, ...). */
export interface JsonBounds {
  /** Deepest nesting of objects and arrays; the value itself is level 1. */
  maxDepth: number;
  /** Most values (objects, arrays, strings, numbers, ...) in the whole value. */
  maxNodes: number;
  /** Longest string, object key included. */
  maxStringLength: number;
}

/**
 * `__proto__` as an own key (JSON.parse makes one) replaces the prototype of any object it is
 * copied into; no JSON schema or provider option needs it, so no open-ended value may hold it.
 */
const RESERVED_KEY = '__proto__';

/**
 * The first way `value` breaks `bounds`, as a message (never the value), or undefined. Iterative,
 * so it cannot overflow the stack whatever it is given; it stops at the first breach, so its cost
 * is bounded by `maxNodes` even for a cyclic or enormous value. A `__proto__` key is refused
 * too: a value that passes can be copied, merged and serialized without surprises.
 */
export function checkJsonBounds(value: unknown, bounds: JsonBounds): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    nodes += 1;
    if (nodes > bounds.maxNodes) return `holds more than ${bounds.maxNodes} values`;
    if (typeof current === 'string') {
      if (current.length > bounds.maxStringLength)
        return `holds a string longer than ${bounds.maxStringLength} characters`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > bounds.maxDepth) return `nests deeper than ${bounds.maxDepth} levels`;
    if (Array.isArray(current)) {
      if (current.length > bounds.maxNodes) return `holds more than ${bounds.maxNodes} values`;
      for (const item of current) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    if (keys.length > bounds.maxNodes) return `holds more than ${bounds.maxNodes} values`;
    for (const key of keys) {
      if (key === RESERVED_KEY) return `uses the reserved key "${key}"`;
      if (key.length > bounds.maxStringLength)
        return `holds a key longer than ${bounds.maxStringLength} characters`;
      stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
