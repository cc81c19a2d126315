import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/validation-error.js';
import { GeminiEndpoint, vertexHost } from './gemini-endpoint.js';

const vertex = (location: string, baseURL?: string) =>
  new GeminiEndpoint({ kind: 'vertexai', project: 'my-proj', location, baseURL });

describe('GeminiEndpoint', () => {
  it('builds Gemini API URLs under /v1beta, with no key in them', () => {
    const endpoint = new GeminiEndpoint({ kind: 'gemini' });
    expect(endpoint.call('gemini-2.5-flash', 'generateContent').href).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(endpoint.call('models/gemini-2.5-pro', 'streamGenerateContent').href).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    expect(endpoint.healthCheck('gemini-2.5-flash')).toEqual({
      method: 'GET',
      url: new URL('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash'),
    });
  });

  it('builds regional and global Vertex AI URLs', () => {
    expect(vertex('us-central1').call('gemini-2.5-flash', 'generateContent').href).toBe(
      'https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(vertexHost('global')).toBe('https://aiplatform.googleapis.com');
    expect(vertex('global').call('gemini-2.5-flash', 'streamGenerateContent').href).toBe(
      'https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    const check = vertex('europe-west4').healthCheck('gemini-2.5-flash');
    expect(check.method).toBe('POST');
    expect(check.url.href).toBe(
      'https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:countTokens',
    );
  });

  it('accepts publisher and full resource names on Vertex AI (tuned and partner models)', () => {
    expect(vertex('us-east5').resource('publishers/google/models/gemini-2.0-flash-001')).toBe(
      'projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.0-flash-001',
    );
    const full = 'projects/p/locations/us-east5/endpoints/123';
    expect(vertex('us-east5').resource(full)).toBe(full);
  });

  it('honours a baseURL override, with or without its version', () => {
    expect(
      new GeminiEndpoint({ kind: 'gemini', baseURL: 'http://127.0.0.1:9/' }).call(
        'm',
        'generateContent',
      ).href,
    ).toBe('http://127.0.0.1:9/v1beta/models/m:generateContent');
    expect(
      new GeminiEndpoint({ kind: 'gemini', baseURL: 'https://proxy.example/v1alpha' }).call(
        'm',
        'generateContent',
      ).href,
    ).toBe('https://proxy.example/v1alpha/models/m:generateContent');
    expect(
      vertex('us-central1', 'https://psc.example/v1beta1').call('m', 'generateContent').href,
    ).toBe(
      'https://psc.example/v1beta1/projects/my-proj/locations/us-central1/publishers/google/models/m:generateContent',
    );
  });

  it('refuses model names that would change the URL', () => {
    const endpoint = new GeminiEndpoint({ kind: 'gemini' });
    for (const model of ['../../admin', 'm?key=x', 'm#frag', 'a b', '//evil.example/x']) {
      expect(() => endpoint.call(model, 'generateContent')).toThrow(ValidationError);
    }
  });
});
