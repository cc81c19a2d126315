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
