import { randomUUID } from 'node:crypto';

/** A correlation id for one request: `req_` and 32 hex characters. */
export const createCorrelationId = (): string => `req_${randomUUID().replaceAll('-', '')}`;
