import { inspect } from 'node:util';

const MASK = '****';

/** Shows at most the last four characters of long secrets, nothing of short ones. */
export function maskSecret(value: string): string {
  return value.length >= 20 ? `${MASK}${value.slice(-4)}` : MASK;
}

const values = new WeakMap<Secret, string>();

/**
 * A credential that masks itself wherever it could leak: `String()`, template strings,
 * `JSON.stringify`, `util.inspect` and `console.log` all show `****abcd`. Only `reveal()` returns
 * the value, and only the transport calls it, to build the request headers.
 */
export class Secret {
  constructor(value: string) {
    values.set(this, value);
    Object.freeze(this);
  }

  static isSecret(value: unknown): value is Secret {
    return value instanceof Secret;
  }

  reveal(): string {
    return values.get(this) ?? '';
  }

  toString(): string {
    return maskSecret(this.reveal());
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return `Secret(${this.toString()})`;
  }
}
