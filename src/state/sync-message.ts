import { z } from 'zod';
import { circuitRecordSchema, type CircuitRecord } from './circuit-record.js';

/** A broadcast: a record that was just stored, and the worker that stored it. */
export const syncMessageSchema = z.strictObject({
  type: z.literal('state'),
  from: z.string().min(1).max(128),
  record: circuitRecordSchema,
});
export type SyncMessage = z.output<typeof syncMessageSchema>;

/** Why a message was ignored (each is counted in the sync status). */
export type IgnoredReason =
  'oversized' | 'malformed' | 'invalid' | 'unknown_provider' | 'stale' | 'forged';

export type DecodedMessage =
  | { ok: true; message: SyncMessage }
  | { ok: false; reason: Extract<IgnoredReason, 'oversized' | 'malformed' | 'invalid'> };

/** Parses one channel message; never throws. The size is checked before anything is parsed. */
export function decodeSyncMessage(raw: string | Buffer, maxBytes: number): DecodedMessage {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > maxBytes) return { ok: false, reason: 'oversized' };
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = syncMessageSchema.safeParse(json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: 'invalid' };
}

/** Parses a stored record (a GET reply); null when absent or not a valid record. */
export function decodeStoredRecord(raw: string | null | undefined): CircuitRecord | null {
  if (raw === null || raw === undefined) return null;
  try {
    const parsed = circuitRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
