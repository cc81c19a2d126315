import { AnthropicSimWire } from './anthropic-sim-wire.js';
import { GeminiSimWire } from './gemini-sim-wire.js';
import { OpenAISimWire } from './openai-sim-wire.js';
import type { SimWire } from './sim-wire.js';

/** The wire formats the simulator speaks, by name. */
const WIRES = {
  openai: () => new OpenAISimWire(),
  anthropic: () => new AnthropicSimWire(),
  gemini: () => new GeminiSimWire(),
} satisfies Record<string, () => SimWire>;

export type SimWireName = keyof typeof WIRES;

export const simWireNames = (): SimWireName[] => Object.keys(WIRES) as SimWireName[];

export function createSimWire(name: SimWireName): SimWire {
  return WIRES[name]();
}
