// Gemini API wire formats (generateContent, streamGenerateContent?alt=sse, batchEmbedContents),
// as the API reference documents them: camelCase JSON with usageMetadata, `data: {json}`
// server-sent events each carrying the usage so far, and the error body
// `{ error: { code, message, status } }`.

import type { Answer, SseEvent } from './server.js';

export const MODEL_VERSION = 'gemini-2.5-flash';

/** prompt 1200 (1000 cached); 40 candidate + 100 thought tokens. */
export const USAGE = { promptTokenCount: 1200, cachedContentTokenCount: 1000, candidatesTokenCount: 40, thoughtsTokenCount: 100, totalTokenCount: 1340 };

const candidate = (parts: unknown[], finishReason?: string): Record<string, unknown> => ({
  content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}),
});

export function generateContent(opts: { tools?: boolean } = {}): Answer {
  const parts = opts.tools
    ? [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: { tz: 'CET' } } }]
    : [{ text: 'Hello from the fake.' }];
  return { json: { candidates: [candidate(parts, 'STOP')], usageMetadata: USAGE, modelVersion: MODEL_VERSION, responseId: 'resp-g-1' } };
}

/** `stopAfter`: send that many chunks, then hold the connection open. */
export function streamGenerateContent(opts: { tools?: boolean; stopAfter?: number } = {}): Answer {
  const words = ['Hello', ' from', ' the fake.'];
  const events: SseEvent[] = words.map((text, i) => ({
    data: {
      candidates: [candidate([{ text }], i === words.length - 1 && !opts.tools ? 'STOP' : undefined)],
      // Gemini sends the usage so far on every chunk; the output count grows.
      usageMetadata: { ...USAGE, candidatesTokenCount: 10 * (i + 1), totalTokenCount: 1300 + 10 * (i + 1) },
      modelVersion: MODEL_VERSION, responseId: 'resp-g-2',
    },
  }));
  if (opts.stopAfter !== undefined) return { sse: events.slice(0, opts.stopAfter), hold: true };
  const last = events[events.length - 1]!.data as Record<string, unknown>;
  last.usageMetadata = USAGE;
  if (opts.tools) events.push({ data: { candidates: [candidate([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }], 'STOP')], usageMetadata: USAGE, modelVersion: MODEL_VERSION } });
  return { sse: events };
}

export function batchEmbedContents(request: any): Answer {
  const n = Array.isArray(request?.requests) ? request.requests.length : 1;
  return { json: { embeddings: Array.from({ length: n }, () => ({ values: [0.25, -0.5, 0.125] })) } };
}

export function error(status: number): Answer {
  const s = status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL';
  return { status, json: { error: { code: status, message: `fake ${status}`, status: s } } };
}
