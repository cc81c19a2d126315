import { z } from 'zod';

export const imageMediaTypeSchema = z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export type ImageMediaType = z.infer<typeof imageMediaTypeSchema>;

export const textPartSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
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

export const contentPartSchema = z.union([textPartSchema, imageUrlPartSchema, imageDataPartSchema]);

export type TextPart = z.infer<typeof textPartSchema>;
export type ImageUrlPart = z.infer<typeof imageUrlPartSchema>;
export type ImageDataPart = z.infer<typeof imageDataPartSchema>;
export type ImagePart = ImageUrlPart | ImageDataPart;
export type ContentPart = TextPart | ImagePart;
