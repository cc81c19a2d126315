import type { FastifyRequest } from 'fastify';

const ids = new WeakMap<FastifyRequest, string>();

/** Remembers which gateway key authenticated a request (its id, never the key). */
export const setRequestKeyId = (request: FastifyRequest, id: string): void => {
  ids.set(request, id);
};

/** The id of the gateway key that authenticated this request; undefined without keys. */
export const requestKeyId = (request: FastifyRequest): string | undefined => ids.get(request);
