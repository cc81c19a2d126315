/**
 * Money as integers. A price is USD per 1M tokens; one token at a price P costs P micro-dollars,
 * so costs are kept in pico-dollars (1e-12 USD): a price with up to six decimals times a token
 * count is an exact integer, and a sum of them is exact too (BigInt for totals, which may pass
 * 2^53 pico-dollars = $9,007). Floating point only appears when a figure is shown as `costUsd`.
 */
export const PICO_PER_USD = 1_000_000_000_000;

/** A price in USD per 1M tokens as integer pico-dollars per token (0.075 -> 75_000). */
export function pricePerTokenPico(usdPerMillion: number): number {
  // USD/1M tokens = 1e-6 USD per token = 1e6 pico per token, per unit of price.
  return Math.round(usdPerMillion * 1_000_000);
}

/** Pico-dollars as a USD number (nearest double; exact for the integers used here). */
export const picoToUsd = (pico: number | bigint): number => Number(pico) / PICO_PER_USD;

/** A USD amount as whole pico-dollars (round trip of `picoToUsd` for amounts below $4,000). */
export const usdToPico = (usd: number): number => Math.round(usd * PICO_PER_USD);

/** Pico-dollars as an exact decimal USD string with 12 decimals trimmed of trailing zeros ("0.00012345"). */
export function formatPico(pico: bigint | number): string {
  const value = BigInt(pico);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / BigInt(PICO_PER_USD);
  const fraction = (abs % BigInt(PICO_PER_USD)).toString().padStart(12, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
