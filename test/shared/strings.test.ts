import { describe, expect, it } from 'vitest';
import { NONE_ID, OVERFLOW_ID, OVERFLOW_STRING, StringTableReader, StringTableWriter } from '../../src/shared/strings.js';

describe('string table', () => {
  it('gives each distinct string one id and reads it back through another view of the buffer', () => {
    const w = new StringTableWriter(64, 4096);
    const ids = ['openai', 'gpt-4o', 'anthropic', 'gpt-4o', 'ñandú-模型'].map((s) => w.intern(s));
    expect(ids[1]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(4);
    const r = new StringTableReader(w.buffer);
    expect(ids.map((id) => r.get(id))).toEqual(['openai', 'gpt-4o', 'anthropic', 'gpt-4o', 'ñandú-模型']);
    expect(r.get(NONE_ID)).toBe('');
    expect(r.get(OVERFLOW_ID)).toBe(OVERFLOW_STRING);
  });

  it('folds new strings into the overflow id once the id limit is reached, and counts each fold', () => {
    const w = new StringTableWriter(16, 4096);
    for (let i = 0; i < 14; i++) expect(w.intern(`m${i}`)).toBe(i + 2);
    expect(w.intern('one-too-many')).toBe(OVERFLOW_ID);
    expect(w.intern('another')).toBe(OVERFLOW_ID);
    expect(w.folded).toBe(2);
    expect(w.intern('m3')).toBe(5);
    expect(w.size).toBe(16);
  });

  it('folds when the text arena is full even if ids remain', () => {
    const w = new StringTableWriter(64, 40);
    expect(w.intern('x'.repeat(20))).toBeGreaterThan(OVERFLOW_ID);
    expect(w.intern('y'.repeat(20))).toBe(OVERFLOW_ID);
    const z = w.intern('z');
    expect(z).toBe(3);
    expect(new StringTableReader(w.buffer).get(z)).toBe('z');
  });

  it('keeps its memory fixed while a million distinct names go through it', () => {
    const w = new StringTableWriter(4096, 4096 * 64);
    const bytes = w.buffer.byteLength;
    for (let i = 0; i < 1_000_000; i++) w.intern(`junk-model-${i}`);
    expect(w.size).toBe(4096);
    expect(w.folded).toBe(1_000_000 - 4094);
    expect(w.buffer.byteLength).toBe(bytes);
  });
});
