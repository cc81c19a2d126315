/** Reads a byte stream to text, keeping at most `maxBytes` (for error bodies of streamed calls). */
export async function readStreamText(
  body: AsyncIterable<Uint8Array>,
  maxBytes = 64 * 1024,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for await (const chunk of body) {
    if (size < maxBytes)
      text += decoder.decode(chunk.subarray(0, maxBytes - size), { stream: true });
    size += chunk.byteLength;
  }
  return text + decoder.decode();
}
