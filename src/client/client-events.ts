import { channel, type Channel } from 'node:diagnostics_channel';
import type { Logger } from '../internal/logger.js';
import type { ClientEventListener, ClientEventMap, ClientEventType } from './event-types.js';

const TYPES: readonly ClientEventType[] = [
  'request',
  'attempt',
  'circuit',
  'cooldown',
  'budget',
  'cache',
  'reload',
];

/** `flexiai:request`, `flexiai:attempt`, ...: one node:diagnostics_channel per event type. */
export const diagnosticsChannels: Readonly<Record<ClientEventType, Channel>> = Object.fromEntries(
  TYPES.map((type) => [type, channel(`flexiai:${type}`)]),
) as Record<ClientEventType, Channel>;

/**
 * The client's typed events. Every listener runs synchronously, in subscription order; one that
 * throws is logged and skipped, never failing the request that emitted. Each event is also
 * published on its diagnostics channel when that channel has subscribers, so APM tools can listen
 * with no dependency on FlexiAI. With no listener and no subscriber an emit costs a lookup.
 */
export class ClientEvents {
  private readonly listeners = new Map<ClientEventType, ClientEventListener<ClientEventType>[]>();

  constructor(private readonly logger: Logger) {}

  on<K extends ClientEventType>(type: K, listener: ClientEventListener<K>): () => void {
    if (!TYPES.includes(type)) throw new TypeError(`Unknown FlexiAI event "${String(type)}"`);
    const list = [
      ...(this.listeners.get(type) ?? []),
      listener as ClientEventListener<ClientEventType>,
    ];
    this.listeners.set(type, list);
    return () => {
      const current = this.listeners.get(type) ?? [];
      this.listeners.set(
        type,
        current.filter((l) => l !== listener),
      );
    };
  }

  /** Whether anything listens to this type (a listener or a diagnostics subscriber). */
  wanted(type: ClientEventType): boolean {
    return (this.listeners.get(type)?.length ?? 0) > 0 || diagnosticsChannels[type].hasSubscribers;
  }

  emit<K extends ClientEventType>(type: K, event: ClientEventMap[K]): void {
    const list = this.listeners.get(type);
    if (list) {
      for (const listener of list) {
        try {
          listener(event);
        } catch (error) {
          this.logger.warn(
            { event: type, err: error instanceof Error ? error.message : String(error) },
            `a "${type}" event listener threw; ignored`,
          );
        }
      }
    }
    const diagnostics = diagnosticsChannels[type];
    if (diagnostics.hasSubscribers) diagnostics.publish(event);
  }
}
