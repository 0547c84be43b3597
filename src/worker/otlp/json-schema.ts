// The part of the OTLP trace schema (opentelemetry/proto/trace/v1, common/v1) a request of ours
// can hold, as the JSON transcoder (json.ts) reads it: each message's fields by number, with
// their JSON names (lowerCamelCase, as the OTLP JSON encoding writes them) and how their values are
// written. Worker only; pure data.

/** How a field's value is written. */
export const enum As {
  Message,
  String,
  HexBytes,
  Base64Bytes,
  /** uint32, enum, bool: a varint written as a JSON number (bool: true/false). */
  Uint,
  Bool,
  /** int64 varint: a decimal string. */
  Int64,
  /** fixed64: a decimal string. */
  Fixed64,
  Fixed32,
  Double,
}

/** One field: all of the same shape (the transcoder's reads stay monomorphic), its key made once. */
export class FieldSpec {
  readonly name: string;
  readonly as: As;
  readonly repeated: boolean;
  /** For As.Message. */
  readonly of: Schema;
  /** `"name":` as bytes. */
  readonly key: Uint8Array;

  constructor(name: string, as: As, of: Schema = [], repeated = false) {
    this.name = name;
    this.as = as;
    this.of = of;
    this.repeated = repeated;
    this.key = new TextEncoder().encode(`"${name}":`);
  }
}

/** A message's fields by field number. */
export type Schema = (FieldSpec | undefined)[];

/** A Schema from fields by number. */
function fields(byNumber: Record<number, FieldSpec>, into: Schema = []): Schema {
  for (const [n, spec] of Object.entries(byNumber)) into[Number(n)] = spec;
  for (let i = 0; i < into.length; i++) into[i] ??= undefined; // dense: no holes to look up
  return into;
}

const ANY_VALUE: Schema = [];
const KEY_VALUE = fields({
  1: new FieldSpec('key', As.String),
  2: new FieldSpec('value', As.Message, ANY_VALUE),
});
fields({
  1: new FieldSpec('stringValue', As.String),
  2: new FieldSpec('boolValue', As.Bool),
  3: new FieldSpec('intValue', As.Int64),
  4: new FieldSpec('doubleValue', As.Double),
  5: new FieldSpec('arrayValue', As.Message, fields({ 1: new FieldSpec('values', As.Message, ANY_VALUE, true) })),
  6: new FieldSpec('kvlistValue', As.Message, fields({ 1: new FieldSpec('values', As.Message, KEY_VALUE, true) })),
  7: new FieldSpec('bytesValue', As.Base64Bytes),
}, ANY_VALUE);

const attributes = (): FieldSpec => new FieldSpec('attributes', As.Message, KEY_VALUE, true);
const dropped = (name = 'droppedAttributesCount'): FieldSpec => new FieldSpec(name, As.Uint);

const SPAN = fields({
  1: new FieldSpec('traceId', As.HexBytes),
  2: new FieldSpec('spanId', As.HexBytes),
  3: new FieldSpec('traceState', As.String),
  4: new FieldSpec('parentSpanId', As.HexBytes),
  5: new FieldSpec('name', As.String),
  6: new FieldSpec('kind', As.Uint),
  7: new FieldSpec('startTimeUnixNano', As.Fixed64),
  8: new FieldSpec('endTimeUnixNano', As.Fixed64),
  9: attributes(),
  10: dropped(),
  11: new FieldSpec('events', As.Message, fields({
    1: new FieldSpec('timeUnixNano', As.Fixed64),
    2: new FieldSpec('name', As.String),
    3: attributes(),
    4: dropped(),
  }), true),
  12: dropped('droppedEventsCount'),
  13: new FieldSpec('links', As.Message, fields({
    1: new FieldSpec('traceId', As.HexBytes),
    2: new FieldSpec('spanId', As.HexBytes),
    3: new FieldSpec('traceState', As.String),
    4: attributes(),
    5: dropped(),
    6: new FieldSpec('flags', As.Fixed32),
  }), true),
  14: dropped('droppedLinksCount'),
  15: new FieldSpec('status', As.Message, fields({ 2: new FieldSpec('message', As.String), 3: new FieldSpec('code', As.Uint) })),
  16: new FieldSpec('flags', As.Fixed32),
});

/** ExportTraceServiceRequest. */
export const REQUEST = fields({
  1: new FieldSpec('resourceSpans', As.Message, fields({
    1: new FieldSpec('resource', As.Message, fields({ 1: attributes(), 2: dropped() })),
    2: new FieldSpec('scopeSpans', As.Message, fields({
      1: new FieldSpec('scope', As.Message, fields({
        1: new FieldSpec('name', As.String),
        2: new FieldSpec('version', As.String),
        3: attributes(),
        4: dropped(),
      })),
      2: new FieldSpec('spans', As.Message, SPAN, true),
      3: new FieldSpec('schemaUrl', As.String),
    }), true),
    3: new FieldSpec('schemaUrl', As.String),
  }), true),
});

