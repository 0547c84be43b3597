// The wire blob: what the main thread writes of an exchange reads back as the same exchange, and
// reading any bytes never throws (a blob shorter than it says reads as what it holds).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWireBlob, wireBlobBytes, wireWord, writeWireBlob } from '../../src/shared/wire-blob.js';
import { WIRE_FORMATS } from '../../src/shared/wire.js';

const concat = (chunks: Uint8Array[]): Uint8Array => Buffer.concat(chunks);

describe('wire blob', () => {
  it('reads back what was written: path, headers, cut bodies, format, status and bits', () => {
    fc.assert(fc.property(
      fc.string({ maxLength: 40 }), fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 30 })), { maxLength: 5 }),
      fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 4 }), fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 4 }),
      fc.nat(250), fc.nat(250), fc.integer({ min: 0, max: WIRE_FORMATS.length - 1 }), fc.integer({ min: 0, max: 599 }), fc.boolean(),
      (path, headers, request, response, maxReq, maxRes, format, status, sse) => {
        const w = { path, headers: headers.flat(), request, requestBytes: Math.min(maxReq, concat(request).length), response, responseBytes: Math.min(maxRes, concat(response).length) };
        const data = Buffer.alloc(wireBlobBytes(w) + 8);
        const length = writeWireBlob(data, 3, w);
        expect(length).toBeLessThanOrEqual(wireBlobBytes(w));
        const x = readWireBlob(data, 3, length, wireWord(format, status, sse, true, false))!;
        expect(x).toMatchObject({ format: WIRE_FORMATS[format], path: Buffer.from(path).toString(), status, sse, requestCut: true, responseCut: false });
        expect(x.headers).toEqual(headers.map(([n, v]) => [Buffer.from(n).toString(), Buffer.from(v).toString()]));
        expect(Buffer.from(x.request)).toEqual(Buffer.from(concat(request).subarray(0, w.requestBytes)));
        expect(Buffer.from(x.response)).toEqual(Buffer.from(concat(response).subarray(0, w.responseBytes)));
      }), { seed: 28, numRuns: 300 });
  });

  it('never throws on arbitrary bytes, and knows no format past the table', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(300), fc.nat(), (bytes, length, word) => {
      const x = readWireBlob(bytes, 0, length, word);
      if ((word & 0xf) >= WIRE_FORMATS.length) expect(x).toBeUndefined();
      else expect(x!.response.length + x!.request.length).toBeLessThanOrEqual(bytes.length);
    }), { seed: 28, numRuns: 500 });
  });
});
