// The SSE splitter, the JSON helpers and the body decoding the wire parsers stand on.
import { describe, expect, it } from 'vitest';
import { arrayElements, NOT_JSON, parseJson, scanTop } from '../../../src/worker/wire/json.js';
import { splitSse } from '../../../src/worker/wire/sse.js';
import { bodyText, completeLength } from '../../../src/worker/wire/text.js';

function events(text: string): { list: [string, string][]; end: string } {
  const list: [string, string][] = [];
  const end = splitSse(text, (e, d) => void list.push([e, d]));
  return { list, end };
}

describe('splitSse', () => {
  it('splits on \\n, \\r\\n and \\r alike, with event names and one optional space after the colon', () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = `event: a${nl}data: 1${nl}${nl}data:2${nl}${nl}`;
      expect(events(text)).toEqual({ list: [['a', '1'], ['', '2']], end: 'whole' });
    }
  });

  it('joins multi-line data with \\n, skips comments and unknown fields, and dispatches no event without data', () => {
    const text = ': keep-alive\n\nid: 7\nretry: 10\n\nevent: x\ndata: {"a":\ndata:  1}\n\n';
    expect(events(text)).toEqual({ list: [['x', '{"a":\n 1}']], end: 'whole' });
  });

  it('reports a stream whose last event has no blank line as open, without dispatching it', () => {
    expect(events('data: 1\n\ndata: 2\n')).toEqual({ list: [['', '1']], end: 'open' });
    expect(events('data: 1\n\ndata: {"cut')).toEqual({ list: [['', '1']], end: 'open' });
  });

  it('takes a field without a colon as a field with an empty value', () => {
    expect(events('data\n\n').list).toEqual([['', '']]);
  });
});

describe('scanTop', () => {
  it('reads top-level scalars from a cut object, skipping nested values and escaped quotes', () => {
    const text = '{"messages":[{"content":"a \\"model\\": \\\\"}],"model":"gpt-4o","stream":true,"extra":{"model":"no"},"n":12';
    expect(scanTop(text, ['model', 'stream', 'n'])).toEqual({ model: 'gpt-4o', stream: true });
  });

  it('stops at the first thing that is not an object member', () => {
    expect(scanTop('[1,2]', ['model'])).toEqual({});
    expect(scanTop('{"model" "x"}', ['model'])).toEqual({});
    expect(scanTop('{"a":1,"model":"m"}garbage', ['model'])).toEqual({ model: 'm' });
  });
});

describe('arrayElements and parseJson', () => {
  it('gives the whole elements of a cut array and says it did not close', () => {
    const seen: string[] = [];
    expect(arrayElements('[{"a":"]"},\n{"b":[1,2]}\n,{"c":', (e) => void seen.push(e))).toBe(false);
    expect(seen).toEqual(['{"a":"]"}', '{"b":[1,2]}']);
    expect(arrayElements(' [ ] ', () => undefined)).toBe(true);
  });

  it('parses deeply nested JSON without a stack overflow, and returns NOT_JSON for bad text', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(Array.isArray(parseJson(deep))).toBe(true);
    expect(parseJson('{"a":')).toBe(NOT_JSON);
  });
});

describe('bodyText', () => {
  const euro = [0xe2, 0x82, 0xac];

  it('drops a cut body\'s incomplete last character instead of calling it bad UTF-8', () => {
    const bytes = new Uint8Array([0x61, ...euro, ...euro.slice(0, 2)]);
    expect(completeLength(bytes)).toBe(4);
    expect(bodyText(bytes, true)).toEqual({ text: 'a€', utf8: true });
    expect(bodyText(bytes, false).utf8).toBe(false);
  });

  it('decodes bytes that live in a SharedArrayBuffer (the arena) and flags invalid UTF-8', () => {
    const sab = new SharedArrayBuffer(16);
    const view = new Uint8Array(sab, 4, 5);
    view.set([0x7b, 0x7d, 0xff, 0x20, 0x20]);
    expect(bodyText(view, false)).toEqual({ text: '{}\ufffd  ', utf8: false });
  });
});
