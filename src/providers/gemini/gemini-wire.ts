import { z } from 'zod';

/**
 * What we read of a Gemini `GenerateContentResponse` (Gemini API and Vertex AI share it). Loose:
 * fields of newer API versions are kept, never refused.
 */
export const geminiFunctionCallSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).nullish(),
});

export const geminiPartSchema = z.looseObject({
  text: z.string().nullish(),
  /** A thought summary (thinking models with includeThoughts): never part of the answer text. */
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: geminiFunctionCallSchema.nullish(),
});
export type GeminiPart = z.infer<typeof geminiPartSchema>;

export const geminiSafetyRatingSchema = z.looseObject({
  category: z.string().nullish(),
  probability: z.string().nullish(),
  blocked: z.boolean().nullish(),
});

export const geminiCandidateSchema = z.looseObject({
  index: z.number().nullish(),
  content: z
    .looseObject({ role: z.string().nullish(), parts: z.array(geminiPartSchema).nullish() })
    .nullish(),
  finishReason: z.string().nullish(),
  finishMessage: z.string().nullish(),
  safetyRatings: z.array(geminiSafetyRatingSchema).nullish(),
  citationMetadata: z.unknown().optional(),
  groundingMetadata: z.unknown().optional(),
});
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

export const geminiUsageSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

export const geminiPromptFeedbackSchema = z.looseObject({
  blockReason: z.string().nullish(),
  blockReasonMessage: z.string().nullish(),
  safetyRatings: z.array(geminiSafetyRatingSchema).nullish(),
});
export type GeminiPromptFeedback = z.infer<typeof geminiPromptFeedbackSchema>;

/** One response, or one chunk of `streamGenerateContent?alt=sse` (same shape). */
export const geminiResponseSchema = z.looseObject({
  candidates: z.array(geminiCandidateSchema).nullish(),
  promptFeedback: geminiPromptFeedbackSchema.nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
  /** Vertex AI only. */
  createTime: z.string().nullish(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/** Google's error envelope (google.rpc.Status as JSON). */
export const geminiErrorBodySchema = z.looseObject({
  error: z.looseObject({
    code: z.number().nullish(),
    message: z.string().nullish(),
    status: z.string().nullish(),
    details: z.array(z.looseObject({ '@type': z.string().nullish() })).nullish(),
  }),
});
export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;

/** Some errors arrive as a one-element array (the REST bridge of streamGenerateContent without SSE). */
export const geminiErrorEnvelopeSchema = z.union([
  geminiErrorBodySchema,
  z.tuple([geminiErrorBodySchema]).transform(([first]) => first),
]);
