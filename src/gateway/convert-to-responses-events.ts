import type { ReasoningBlock } from '../types/reasoning.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { Usage } from '../types/usage.js';
import {
  finalStatus,
  functionCallItem,
  itemId,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseShell,
  toResponsesUsage,
} from './convert-to-responses-response.js';
import type { OpenAIResponsesRequest } from './openai-responses-request-schema.js';

export type ResponsesEvent = { type: string } & Record<string, unknown>;

interface OpenMessage {
  id: string;
  outputIndex: number;
  text: string;
}
interface OpenCall {
  id: string;
  outputIndex: number;
  callId: string;
  name: string;
  arguments: string;
}

/**
 * Unified stream chunks as the Responses API event sequence: `response.created`,
 * `response.in_progress`, output items (reasoning, message with `response.output_text.delta`s,
 * function calls with `response.function_call_arguments.delta`s) opened and closed in order,
 * then `response.completed` (or `response.incomplete`) with usage — or, when the stream breaks,
 * an `error` event and `response.failed`, never `response.completed`. Every event carries its
 * `sequence_number`.
 */
export class ResponsesEventWriter {
  private sequence = 0;
  private readonly output: Record<string, unknown>[] = [];
  private reasoning: ReasoningBlock[] = [];
  private message: OpenMessage | undefined;
  private readonly calls = new Map<number, OpenCall>();
  private usage: Usage | undefined;
  private finishReason: FinishReason | undefined;

  constructor(
    private readonly id: string,
    private readonly createdAt: number,
    private readonly body: OpenAIResponsesRequest,
    public model: string,
  ) {}

  start(): ResponsesEvent[] {
    return [
      this.event('response.created', { response: this.response('in_progress') }),
      this.event('response.in_progress', { response: this.response('in_progress') }),
    ];
  }

  chunk(chunk: StreamChunk): ResponsesEvent[] {
    switch (chunk.type) {
      case 'reasoning-delta':
        this.addReasoning(chunk);
        return [];
      case 'text-delta':
        return [...this.flushReasoning(), ...this.text(chunk.delta)];
      case 'tool-call-delta':
        return [...this.flushReasoning(), ...this.toolCall(chunk)];
      case 'usage':
        this.usage = chunk.usage;
        return [];
      case 'finish':
        this.finishReason = chunk.finishReason;
        return [];
      case 'response-metadata':
        if (chunk.model) this.model = chunk.model;
        return [];
      default:
        return [];
    }
  }

  /** Closes every open item and completes the response. */
  finish(): ResponsesEvent[] {
    const events = [...this.flushReasoning(), ...this.closeItems()];
    const { status, incomplete_details } = finalStatus(this.finishReason ?? 'stop');
    const response = {
      ...this.response(status),
      incomplete_details,
      usage: this.usage ? toResponsesUsage(this.usage) : null,
    };
    events.push(
      this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', {
        response,
      }),
    );
    return events;
  }

  /** A stream broken after it began: an error event, then the response as failed. */
  fail(code: string, message: string): ResponsesEvent[] {
    return [
      this.event('error', { code, message, param: null }),
      this.event('response.failed', {
        response: { ...this.response('failed'), error: { code, message } },
      }),
    ];
  }

  private response(status: string): Record<string, unknown> {
    return {
      ...responseShell(this.id, this.createdAt, this.body, this.model),
      status,
      output: [...this.output],
    };
  }

  private event(type: string, fields: Record<string, unknown>): ResponsesEvent {
    return { type, ...fields, sequence_number: this.sequence++ };
  }

  private addReasoning(chunk: Extract<StreamChunk, { type: 'reasoning-delta' }>): void {
    if (chunk.redactedData) {
      this.reasoning.push({ type: 'redacted-thinking', data: chunk.redactedData });
      return;
    }
    let open = this.reasoning.at(-1);
    if (open?.type !== 'thinking' || open.signature !== undefined) {
      open = { type: 'thinking', text: '' };
      this.reasoning.push(open);
    }
    if (chunk.delta) open.text += chunk.delta;
    if (chunk.signature) open.signature = chunk.signature;
  }

  /** The reasoning so far as one complete reasoning item (it precedes the output it led to). */
  private flushReasoning(): ResponsesEvent[] {
    if (!this.reasoning.length) return [];
    const item = reasoningItem(itemId('rs'), this.reasoning);
    this.reasoning = [];
    const outputIndex = this.output.length;
    this.output.push(item);
    const ids = { item_id: item.id, output_index: outputIndex };
    const events = [
      this.event('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, summary: [] },
      }),
    ];
    item.summary.forEach((part, summaryIndex) => {
      const at = { ...ids, summary_index: summaryIndex };
      events.push(
        this.event('response.reasoning_summary_part.added', {
          ...at,
          part: { type: 'summary_text', text: '' },
        }),
        this.event('response.reasoning_summary_text.delta', { ...at, delta: part.text }),
        this.event('response.reasoning_summary_text.done', { ...at, text: part.text }),
        this.event('response.reasoning_summary_part.done', { ...at, part }),
      );
    });
    events.push(this.event('response.output_item.done', { output_index: outputIndex, item }));
    return events;
  }

  private text(delta: string): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    if (!this.message) {
      events.push(...this.closeCalls());
      const message: OpenMessage = { id: itemId('msg'), outputIndex: this.output.length, text: '' };
      this.message = message;
      this.output.push(messageItem(message.id, '', 'in_progress'));
      events.push(
        this.event('response.output_item.added', {
          output_index: message.outputIndex,
          item: messageItem(message.id, '', 'in_progress'),
        }),
        this.event('response.content_part.added', {
          item_id: message.id,
          output_index: message.outputIndex,
          content_index: 0,
          part: outputTextPart(''),
        }),
      );
    }
    const message = this.message;
    message.text += delta;
    events.push(
      this.event('response.output_text.delta', {
        item_id: message.id,
        output_index: message.outputIndex,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    );
    return events;
  }

  private toolCall(chunk: Extract<StreamChunk, { type: 'tool-call-delta' }>): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    let call = this.calls.get(chunk.index);
    if (!call) {
      events.push(...this.closeMessage());
      call = {
        id: itemId('fc'),
        outputIndex: this.output.length,
        callId: chunk.id ?? '',
        name: chunk.name ?? '',
        arguments: '',
      };
      this.calls.set(chunk.index, call);
      const item = this.callItem(call, 'in_progress');
      this.output.push(item);
      events.push(
        this.event('response.output_item.added', { output_index: call.outputIndex, item }),
      );
    } else {
      if (chunk.id) call.callId = chunk.id;
      if (chunk.name) call.name = chunk.name;
    }
    if (chunk.argumentsDelta) {
      call.arguments += chunk.argumentsDelta;
      events.push(
        this.event('response.function_call_arguments.delta', {
          item_id: call.id,
          output_index: call.outputIndex,
          delta: chunk.argumentsDelta,
        }),
      );
    }
    return events;
  }

  private callItem(call: OpenCall, status: 'completed' | 'in_progress') {
    return functionCallItem(
      call.id,
      { id: call.callId, function: { name: call.name, arguments: call.arguments } },
      status,
    );
  }

  private closeMessage(): ResponsesEvent[] {
    const message = this.message;
    if (!message) return [];
    this.message = undefined;
    const item = messageItem(message.id, message.text, 'completed');
    this.output[message.outputIndex] = item;
    const at = { item_id: message.id, output_index: message.outputIndex, content_index: 0 };
    return [
      this.event('response.output_text.done', { ...at, text: message.text, logprobs: [] }),
      this.event('response.content_part.done', { ...at, part: outputTextPart(message.text) }),
      this.event('response.output_item.done', { output_index: message.outputIndex, item }),
    ];
  }

  private closeCalls(): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    for (const call of this.calls.values()) {
      if (this.output[call.outputIndex]?.status === 'completed') continue;
      const item = this.callItem(call, 'completed');
      this.output[call.outputIndex] = item;
      events.push(
        this.event('response.function_call_arguments.done', {
          item_id: call.id,
          output_index: call.outputIndex,
          name: call.name,
          arguments: call.arguments,
        }),
        this.event('response.output_item.done', { output_index: call.outputIndex, item }),
      );
    }
    return events;
  }

  private closeItems(): ResponsesEvent[] {
    return [...this.closeMessage(), ...this.closeCalls()];
  }
}
