// Hand-mapped calls with content and response fields, read back in memory: the attribute shapes
// of the GenAI conventions, what each field becomes, and clear errors that record nothing.
import { describe, expect, it } from 'vitest';
import { expectThrows } from '../helpers.js';
import { RactoTracer } from '../pkg.js';

const base = { provider: 'openai', model: 'gpt-4o', latencyMs: 5 };

function tracer(options: Record<string, unknown> = {}): RactoTracer {
  return new RactoTracer({ inMemory: true, captureContent: true, redaction: false, ...options });
}

function parsed(t: RactoTracer, field: 'systemInstructions' | 'inputMessages' | 'outputMessages' | 'toolDefinitions'): unknown {
  const v = t.spans.at(-1)!.content?.[field];
  return v === undefined ? undefined : JSON.parse(v);
}

describe('content of a hand-mapped call', () => {
  it('turns strings into one text part, a user message and an assistant message with the finish reason', () => {
    const t = tracer();
    t.recordChatSpan({ ...base, system: 'be brief', input: 'hi', output: 'hello', finishReasons: ['length'] });
    expect(parsed(t, 'systemInstructions')).toEqual([{ type: 'text', content: 'be brief' }]);
    expect(parsed(t, 'inputMessages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    expect(parsed(t, 'outputMessages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'length' }]);
  });

  it('gives the output string finish reason stop when the call has none', () => {
    const t = tracer();
    t.recordChatSpan({ ...base, output: 'hello' });
    expect(parsed(t, 'outputMessages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }], finish_reason: 'stop' }]);
  });

  it('keeps messages, tool calls and their responses in the conventions\' shapes', () => {
    const t = tracer();
    const input = [
      { role: 'system', parts: [{ type: 'text', content: 'You help.' }] },
      { role: 'user', name: 'ann', parts: [{ type: 'text', content: 'Weather in Paris?' }, { type: 'uri', modality: 'image', uri: 'https://x.test/p.png' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool_call', id: null, name: 'get_time', arguments: { tz: 'CET' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { temp: 12, sky: ['rain'] } }] },
      { role: 'user', parts: [{ type: 'blob', modality: 'audio', mime_type: 'audio/wav', content: 'UklGRg==' }, { type: 'reasoning', content: 'hmm' }] },
    ];
    t.recordChatSpan({ ...base, input, output: [{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy.' }], finish_reason: 'stop' }] });
    const expected = structuredClone(input) as any;
    // JSON text given as tool-call arguments becomes its value; the rest stays as given.
    expected[2].parts[0].arguments = { city: 'Paris' };
    expect(parsed(t, 'inputMessages')).toEqual(expected);
    expect(parsed(t, 'outputMessages')).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Rainy.' }], finish_reason: 'stop' }]);
  });

  it('keeps every field of a part of another type, and drops members a message does not have', () => {
    const t = tracer();
    t.recordChatSpan({ ...base, input: [{ role: 'user', seen: true, parts: [{ type: 'server_tool_call', id: 's1', name: 'search', server_tool_call: { type: 'web', q: 'x' } }] } as never] });
    expect(parsed(t, 'inputMessages')).toEqual([{ role: 'user', parts: [{ type: 'server_tool_call', id: 's1', name: 'search', server_tool_call: { type: 'web', q: 'x' } }] }]);
  });

  it('keeps tool definitions with their description and parameters', () => {
    const t = tracer();
    const tools = [{ type: 'function', name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { type: 'web_search', name: 'web_search' }];
    t.recordChatSpan({ ...base, tools });
    expect(parsed(t, 'toolDefinitions')).toEqual(tools);
  });

  it('writes JSON data as JSON.stringify does: toJSON, undefined members left out, non-finite numbers null', () => {
    const t = tracer();
    const when = new Date(Date.UTC(2026, 0, 2));
    t.recordChatSpan({ ...base, input: [{ role: 'tool', parts: [{ type: 'tool_call_response', response: { when, gone: undefined, n: Infinity, list: [1, undefined, 'x'] } }] }] });
    expect(parsed(t, 'inputMessages')).toEqual([{ role: 'tool', parts: [{ type: 'tool_call_response', id: null, response: { when: when.toJSON(), n: null, list: [1, null, 'x'] } }] }]);
  });

  it('keeps text in any script, emoji and escapes intact', () => {
    const t = tracer();
    const text = 'Grüße, 日本語, 🎉, "quoted", back\\slash, tab\tnew\nline, \u0001';
    t.recordChatSpan({ ...base, input: text });
    expect(parsed(t, 'inputMessages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: text }] }]);
  });

  it('leaves an empty category out', () => {
    const t = tracer();
    t.recordChatSpan({ ...base, input: [], output: 'ok' });
    expect(Object.keys(t.spans[0]!.content!)).toEqual(['outputMessages']);
  });
});

describe('invalid content', () => {
  it.each([
    ['call.input must be an array of messages ({ role, parts }) or a string (received 42)', { input: 42 }, TypeError],
    ['call.input[0] must be a message ({ role, parts }) (received null)', { input: [null] }, TypeError],
    ['call.input[0].role must be a non-empty string (received undefined)', { input: [{ parts: [] }] }, TypeError],
    ['call.input[0].role must be a non-empty string (received "")', { input: [{ role: '', parts: [] }] }, RangeError],
    ['call.input[0].parts must be an array of parts (received "hi")', { input: [{ role: 'user', parts: 'hi' }] }, TypeError],
    ['call.input[0].parts[0].type must be a non-empty string (received undefined)', { input: [{ role: 'user', parts: [{ content: 'x' }] }] }, TypeError],
    ['call.input[0].parts[0].content must be a string (received 5)', { input: [{ role: 'user', parts: [{ type: 'text', content: 5 }] }] }, TypeError],
    ['call.output[0].parts[0].id must be a string or null (received 3)', { output: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 3, name: 'f' }] }] }, TypeError],
    ['call.output[0].parts[0].arguments.n must be JSON data (a BigInt is not) (received 10n)', { output: [{ role: 'assistant', parts: [{ type: 'tool_call', name: 'f', arguments: { n: 10n } }] }] }, TypeError],
    ['call.output[0].finish_reason must be a string (received 1)', { output: [{ role: 'assistant', finish_reason: 1, parts: [] }] }, TypeError],
    ['call.system[0].modality must be a non-empty string (received undefined)', { system: [{ type: 'blob', content: 'AA==' }] }, TypeError],
    ['call.system must be an array of parts or a string (received an object)', { system: {} }, TypeError],
    ['call.tools[0].name must be a non-empty string (received undefined)', { tools: [{ type: 'function' }] }, TypeError],
    ['call.tools must be an array of tool definitions ({ type, name }) (received "lookup")', { tools: 'lookup' }, TypeError],
  ])('refuses the call and records nothing: %s', (message, fields, Type) => {
    const t = tracer();
    expectThrows(() => t.recordChatSpan({ ...base, ...fields } as never), Type, message);
    expect(t.stats().recorded).toBe(0);
    expect(t.spans).toEqual([]);
  });

  it('refuses JSON data nested deeper than 32 levels, a cycle included', () => {
    const t = tracer();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => t.recordChatSpan({ ...base, input: [{ role: 'tool', parts: [{ type: 'tool_call_response', response: loop }] }] }))
      .toThrow(RangeError);
    expect(t.stats().recorded).toBe(0);
    // The arena is left as it was: the next call's content is whole.
    t.recordChatSpan({ ...base, input: 'next' });
    expect(parsed(t, 'inputMessages')).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'next' }] }]);
  });
});
