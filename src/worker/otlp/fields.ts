// The constant pieces of a span's bytes: pre-encoded attribute keys, the string attribute
// fields that take few values, and the number attribute writer. Worker only; used by the span
// writer of span.ts. The keys are those of spanAttributes() (spans/record.ts).

import type { PriceSource } from '../../pricing/cost.js';
import { CACHE_HITS, OPERATIONS, OP_CHAT, OP_EMBED, OP_STREAM } from '../../shared/layout.js';
import { genAiOperation, genAiProvider } from '../../spans/record.js';
import { DOUBLE, ProtoWriter, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, concat, keyBytes, lenFieldBytes, numberKind, stringValueBytes, tag } from './proto-writer.js';

// Pre-encoded KeyValue.key fields of the span attributes (the keys of spanAttributes()).
const K_PROVIDER = keyBytes('llm.provider');
const K_MODEL = keyBytes('llm.model');
const K_OPERATION = keyBytes('llm.operation');
export const K_LATENCY = keyBytes('llm.latency_ms');
export const K_INPUT = keyBytes('llm.input_tokens');
export const K_OUTPUT = keyBytes('llm.output_tokens');
export const K_COST = keyBytes('llm.cost_usd');
const K_PRICE_SOURCE = keyBytes('llm.price_source');
const K_CACHE = keyBytes('llm.cache_hit');
export const K_TOOLS = keyBytes('llm.tool_calls');
export const K_ERROR = keyBytes('llm.error_type');
const K_GEN_OPERATION = keyBytes('gen_ai.operation.name');
const K_GEN_PROVIDER = keyBytes('gen_ai.provider.name');
const K_GEN_MODEL = keyBytes('gen_ai.request.model');
export const K_GEN_INPUT = keyBytes('gen_ai.usage.input_tokens');
export const K_GEN_OUTPUT = keyBytes('gen_ai.usage.output_tokens');
export const K_GEN_CACHE_READ = keyBytes('gen_ai.usage.cache_read.input_tokens');
export const K_GEN_CACHE_WRITE = keyBytes('gen_ai.usage.cache_creation.input_tokens');
export const K_GEN_REASONING = keyBytes('gen_ai.usage.reasoning.output_tokens');
const K_GEN_STREAM = keyBytes('gen_ai.request.stream');
export const K_GEN_TTFT = keyBytes('gen_ai.response.time_to_first_chunk');
export const K_ERROR_TYPE = keyBytes('error.type');

/** A complete string attribute field (Span.attributes = 9): tag, length, key, value. */
export function stringAttrField(key: Uint8Array, value: string): Uint8Array {
  const v = stringValueBytes(value);
  const w = new ProtoWriter(key.length + v.length + 16);
  w.varint(tag(9, WIRE_LEN));
  w.varint(key.length + v.length);
  w.bytes(key);
  w.bytes(v);
  return w.copy();
}
export const F_CACHE = CACHE_HITS.map((c) => stringAttrField(K_CACHE, c));
export const F_PRICE_SOURCE: Readonly<Record<PriceSource, Uint8Array>> = {
  custom: stringAttrField(K_PRICE_SOURCE, 'custom'),
  'genai-prices': stringAttrField(K_PRICE_SOURCE, 'genai-prices'),
  default: stringAttrField(K_PRICE_SOURCE, 'default'),
  alias: stringAttrField(K_PRICE_SOURCE, 'alias'),
  unpriced: stringAttrField(K_PRICE_SOURCE, 'unpriced'),
};
export const F_ERROR_TYPE_OTHER = stringAttrField(K_ERROR_TYPE, '_OTHER');
export const UNKNOWN_MESSAGE = lenFieldBytes(2, 'unknown');
/** gen_ai.request.stream = true: KeyValue{ key, value: AnyValue{ bool_value: true } }. */
const F_GEN_STREAM = concat(new Uint8Array([tag(9, WIRE_LEN), K_GEN_STREAM.length + 4]), K_GEN_STREAM, new Uint8Array([tag(2, WIRE_LEN), 2, tag(2, WIRE_VARINT), 1]));
/** By operation: llm.operation, gen_ai.operation.name and, on streams, gen_ai.request.stream. */
export const F_OPERATIONS = [OP_CHAT, OP_STREAM, OP_EMBED].map((op) => concat(
  stringAttrField(K_OPERATION, OPERATIONS[op]),
  stringAttrField(K_GEN_OPERATION, genAiOperation(op)),
  ...(op === OP_STREAM ? [F_GEN_STREAM] : []),
));
export const providerFields = (p: string): Uint8Array => concat(stringAttrField(K_PROVIDER, p), stringAttrField(K_GEN_PROVIDER, genAiProvider(p)));
export const modelFields = (m: string): Uint8Array => concat(stringAttrField(K_MODEL, m), stringAttrField(K_GEN_MODEL, m));
export const SEED_NAMES = [lenFieldBytes(5, 'llm.chat'), lenFieldBytes(5, 'llm.chat'), lenFieldBytes(5, 'llm.embed')];

/** A number attribute: int_value when an integer >= 0, else double_value (as the SDK does). Returns the value's offset. */
export function numberAttr(w: ProtoWriter, k: Uint8Array, value: number): number {
  const kind = numberKind(value);
  const anyLen = kind === DOUBLE ? 9 : 1 + kind;
  w.varint(tag(9, WIRE_LEN));
  w.varint(k.length + 2 + anyLen);
  w.bytes(k);
  w.byte(tag(2, WIRE_LEN));
  w.byte(anyLen);
  if (kind === DOUBLE) {
    w.byte(tag(4, WIRE_FIXED64));
    const at = w.pos;
    w.double(value);
    return at;
  }
  w.byte(tag(3, WIRE_VARINT));
  const at = w.pos;
  w.varint(value);
  return at;
}
