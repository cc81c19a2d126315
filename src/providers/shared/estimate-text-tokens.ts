/** A token estimate for upstreams that report none: about four characters a token. */
export const estimateTextTokens = (texts: readonly string[]): number =>
  texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
