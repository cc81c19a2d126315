const REDACTED = '[REDACTED]';

/** Credential shapes redacted from any upstream text even when we do not know the exact value. */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bsk-[A-Za-z0-9_-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bya29\.[0-9A-Za-z_-]{10,}/g,
  /("?(?:x-api-key|api-key|x-goog-api-key|authorization)"?\s*[:=]\s*"?)[^",}\s]{6,}/gi,
];

/**
 * Removes known secret values and credential-shaped tokens from text that came from outside
 * (upstream error bodies, error messages) before it is logged, thrown or returned.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, (match: string, prefix?: string) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix.length < match.length
        ? `${prefix}${REDACTED}`
        : REDACTED,
    );
  }
  return out;
}

/** A bounded, redacted excerpt of an upstream body, safe to keep on an error. */
export function excerpt(text: string, knownSecrets: readonly string[] = [], max = 512): string {
  // Redact before cutting so a secret straddling the cut is still removed whole.
  const longest = knownSecrets.reduce((n, s) => Math.max(n, s.length), 0);
  const clean = redactSecrets(text.slice(0, max + longest + 1024), knownSecrets);
  return text.length > max ? `${clean.slice(0, max)}… (${text.length} characters in all)` : clean;
}
