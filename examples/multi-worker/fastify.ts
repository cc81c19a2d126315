// Fastify's default export is its factory; re-exported by name (named exports only).
import fastify from 'fastify';

export const Fastify = fastify;
