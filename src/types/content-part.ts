import { z } from 'zod';

export const imageMediaTypeSchema = z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export type ImageMediaType = z.infer<typeof imageMediaTypeSchema>;

/** Marks the prompt up to and including this part as cacheable (Anthropic prompt caching). */
export const cacheControlSchema = z.strictObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});
export type CacheControl = z.infer<typeof cacheControlSchema>;

export const textPartSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  /** Sent to Anthropic; other providers drop it (named in `droppedParams`). */
  cacheControl: cacheControlSchema.optional(),
});

const imageUrlSchema = z.string().refine((value) => /^(https?:\/\/|data:image\/)/i.test(value), {
  message: 'must be an http(s) URL or a data:image/... URL',
});

export const imageUrlPartSchema = z.strictObject({
  type: z.literal('image'),
  url: imageUrlSchema,
  detail: z.enum(['auto', 'low', 'high']).optional(),
});

export const imageDataPartSchema = z.strictObject({
  type: z.literal('image'),
  /** Base64-encoded image bytes, without a data: prefix. */
  data: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64'),
  mediaType: imageMediaTypeSchema,
  detail: z.enum(['auto', 'low', 'high']).optional(),
});

export const imagePartSchema = z.union([imageUrlPartSchema, imageDataPartSchema]);

/** A document (PDF) as base64 bytes: Anthropic document blocks, Gemini inline data, OpenAI file parts. */
export const fileDataPartSchema = z.strictObject({
  type: z.literal('file'),
  /** Base64-encoded bytes, without a data: prefix. */
  data: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9+/=\s]+$/, 'must be base64'),
  mediaType: z.literal('application/pdf', { error: 'only application/pdf files are supported' }),
  filename: z.string().min(1).optional(),
});

/** A file uploaded to the provider beforehand (OpenAI Files API id): only OpenAI can read it. */
export const fileIdPartSchema = z.strictObject({
  type: z.literal('file'),
  fileId: z.string().min(1),
  filename: z.string().min(1).optional(),
});

export const filePartSchema = z.union([fileDataPartSchema, fileIdPartSchema]);

export const contentPartSchema = z.union([
  textPartSchema,
  imageUrlPartSchema,
  imageDataPartSchema,
  fileDataPartSchema,
  fileIdPartSchema,
]);

export type TextPart = z.infer<typeof textPartSchema>;
export type ImageUrlPart = z.infer<typeof imageUrlPartSchema>;
export type ImageDataPart = z.infer<typeof imageDataPartSchema>;
export type ImagePart = ImageUrlPart | ImageDataPart;
export type FileDataPart = z.infer<typeof fileDataPartSchema>;
export type FileIdPart = z.infer<typeof fileIdPartSchema>;
export type FilePart = FileDataPart | FileIdPart;
export type ContentPart = TextPart | ImagePart | FilePart;
