import type { IncomingHttpHeaders } from 'node:http';
import type { CallTarget } from '../../transport/map-transport-error.js';

/** A non-2xx upstream response, as every adapter's error mapper receives it. */
export interface UpstreamErrorInput {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  target: CallTarget;
  /** The provider's credentials, redacted from anything the error keeps. */
  secrets: readonly string[];
  now: number;
}

/** An adapter's mapping of a non-2xx response to its typed error. */
export type UpstreamErrorMapper = (input: UpstreamErrorInput) => Error;

/** What ProviderHttp needs to turn a non-2xx response into the adapter's error. */
export interface ErrorMapping {
  mapError: UpstreamErrorMapper;
  secrets: readonly string[];
  now: () => number;
}

/** What every adapter's error-in-200 check receives: a parsed body or stream event, and its context. */
export interface ErrorInBodyInput {
  target: CallTarget;
  /** The provider's credentials, redacted from anything the error keeps. */
  secrets: readonly string[];
  /** The raw JSON text the object came from. */
  text: string;
  headers: IncomingHttpHeaders;
  requestId: string | undefined;
  now: number;
  /** Where it was found: a 200 response body or a stream event. */
  where: 'body' | 'stream';
}

/**
 * An adapter's check for an error object inside a 2xx body or a stream event (the provider failed,
 * whatever the status says). Returns the typed error, or undefined when `json` is not one.
 * Every adapter has one of these with this exact signature: `<provider>ErrorInBody`.
 */
export type ErrorInBody = (json: unknown, input: ErrorInBodyInput) => Error | undefined;
