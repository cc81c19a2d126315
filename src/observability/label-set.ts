/** The label value of anything outside the configured set. */
export const OTHER = 'other';

/**
 * Bounds one label's values to what configuration names (providers, models, routes): anything else
 * becomes `other`, so request content can never mint a new series. `refresh` re-reads the known
 * names (a provider registered at run time) at most once per unknown value seen.
 */
export class LabelSet {
  private known: Set<string>;
  private readonly misses = new Set<string>();
  private readonly admitted = new Set<string>();

  /**
   * `admitUpTo`: for names a middleware's own configuration sets (budget names), which the
   * client's configuration does not list: the first N distinct values are kept as they are.
   */
  constructor(
    private readonly source: () => Iterable<string>,
    private readonly admitUpTo = 0,
  ) {
    this.known = new Set(source());
  }

  label(value: string | undefined): string {
    if (value === undefined) return 'none';
    if (this.known.has(value) || this.admitted.has(value)) return value;
    if (this.admitted.size < this.admitUpTo) {
      this.admitted.add(value);
      return value;
    }
    if (!this.misses.has(value) && this.misses.size < 1_000) {
      this.misses.add(value);
      this.known = new Set(this.source());
      if (this.known.has(value)) return value;
    }
    return OTHER;
  }
}

const CODE = /^[a-z][a-z0-9_]{0,47}$/;

/** Error codes and reasons come from FlexiAI's own enums; anything unexpected collapses to `other`. */
export const codeLabel = (code: string | undefined): string =>
  code === undefined ? '' : CODE.test(code) ? code : OTHER;
