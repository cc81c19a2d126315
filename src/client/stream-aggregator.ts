import type { PartialOutput } from '../errors/stream-interrupted-error.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { ReasoningBlock } from '../types/reasoning.js';
import type { ProviderChatResult } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import type { ToolCall } from '../types/tool.js';
import type { Usage } from '../types/usage.js';

interface ToolCallParts {
  id: string;
  name: string;
  arguments: string;
}

/** Folds stream chunks into the final result: text, tool calls with whole arguments, usage, finish. */
export class StreamAggregator {
  private text = '';
  private readonly toolCalls = new Map<number, ToolCallParts>();
  private usage: Usage | undefined;
  private finishReason: FinishReason | undefined;
  private id: string | undefined;
  private model: string | undefined;
  private requestId: string | undefined;
  private providerMetadata: Record<string, unknown> | undefined;
  private droppedParams: string[] | undefined;
  private readonly reasoning: ReasoningBlock[] = [];

  add(chunk: StreamChunk): void {
    switch (chunk.type) {
      case 'text-delta':
        this.text += chunk.delta;
        return;
      case 'tool-call-delta': {
        const call = this.toolCalls.get(chunk.index) ?? { id: '', name: '', arguments: '' };
        if (chunk.id) call.id = chunk.id;
        if (chunk.name) call.name = chunk.name;
        if (chunk.argumentsDelta) call.arguments += chunk.argumentsDelta;
        this.toolCalls.set(chunk.index, call);
        return;
      }
      case 'usage':
        this.usage = chunk.usage;
        return;
      case 'finish':
        this.finishReason = chunk.finishReason;
        return;
      case 'response-metadata':
        this.id ??= chunk.id;
        this.model ??= chunk.model;
        this.requestId ??= chunk.requestId;
        if (chunk.providerMetadata)
          this.providerMetadata = { ...this.providerMetadata, ...chunk.providerMetadata };
        if (chunk.droppedParams?.length) this.droppedParams = [...chunk.droppedParams];
        return;
      case 'reasoning-delta':
        this.addReasoning(chunk);
        return;
    }
  }

  /** What arrived so far, for an interrupted stream. */
  partial(): PartialOutput {
    return { content: this.text, toolCalls: this.calls() };
  }

  result(fallbackModel: string): ProviderChatResult {
    const toolCalls = this.calls();
    return {
      id: this.id ?? '',
      created: Math.floor(Date.now() / 1000),
      model: this.model ?? fallbackModel,
      content: this.text === '' && toolCalls.length ? null : this.text,
      ...(toolCalls.length ? { toolCalls } : {}),
      finishReason: this.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      usage: this.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      ...(this.requestId ? { requestId: this.requestId } : {}),
      ...(this.providerMetadata ? { providerMetadata: this.providerMetadata } : {}),
      ...(this.reasoning.length ? { reasoning: this.reasoning.map((b) => ({ ...b })) } : {}),
      ...(this.droppedParams ? { droppedParams: this.droppedParams } : {}),
    };
  }

  /** Thinking text accumulates into the open block; a signature closes it; redacted blocks stand alone. */
  private addReasoning(chunk: Extract<StreamChunk, { type: 'reasoning-delta' }>): void {
    if (chunk.redactedData) {
      this.reasoning.push({ type: 'redacted-thinking', data: chunk.redactedData });
      return;
    }
    let open = this.reasoning.at(-1);
    if (open?.type !== 'thinking' || open.signature !== undefined) {
      if (chunk.delta === undefined && chunk.signature === undefined) return;
      open = { type: 'thinking', text: '' };
      this.reasoning.push(open);
    }
    if (chunk.delta) open.text += chunk.delta;
    if (chunk.signature) open.signature = chunk.signature;
  }

  private calls(): ToolCall[] {
    return [...this.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
  }
}
