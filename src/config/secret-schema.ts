import { z } from 'zod';
import { Secret } from '../internal/secret.js';

/** A credential: a non-empty string (or an existing Secret) turned into a self-masking Secret. */
export const secretSchema = z
  .union([z.string().min(1, 'must not be empty'), z.instanceof(Secret)])
  .transform((value) => (Secret.isSecret(value) ? value : new Secret(value)));
