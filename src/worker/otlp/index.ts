// src/worker/otlp/: the OTLP encoder and transport of the worker zone. Worker threads only; the
// rest of the worker imports from this file, never from the files behind it.
//
// What enters:
//   - the resource's attributes, once per encoder;
//   - per batch a TakenRange (../build.ts): a drained range of the ring copied out (already cut
//     to the spans tail sampling keeps), with its span ids, its response rows and content, and
//     its RecordContext (spans/record.ts: the string table, prices, span names, attribute keys);
//   - sender settings (SenderConfig: URL, headers, compression, timeout, concurrency, encoding).
// What leaves:
//   - the bytes of one ExportTraceServiceRequest per batch (request.ts, OtlpProtoEncoder), the
//     form that is split when too large and kept by the spool;
//   - for each send, one DestinationOutcome (shared/worker-config.ts): exported, failed with its
//     reason, or rejected in part (partial success). A sender never throws.
//
// Inside, by stage:
//   request.ts      batch encoder: resource, scope, then one span after another
//   span.ts         a span's bytes from cached templates; fields.ts its constant keys and values,
//                   extras.ts the attributes beyond the template (call attributes, response
//                   fields, captured content)
//   proto-writer.ts protobuf wire primitives; nanos.ts times as exact fixed64 nanoseconds
//   transport.ts    OTLP/HTTP (node:http) and OTLP/gRPC (node:http2) senders; retry.ts the retry
//                   budget, split.ts halving a request the collector finds too large,
//                   grpc-status.ts the gRPC codes, partial-log.ts partial success in the log,
//                   reachability.ts whether a destination is down (the spool's bypass)
//   wire.ts         reading our own request (to split it) and the collector's answer
//   json.ts         http/json: the protobuf request transcoded to the OTLP JSON encoding, by the
//                   schema of json-schema.ts into the buffer of json-out.ts
// The metrics exporter (../metrics/otlp-metrics.ts) shares the wire primitives and the HTTP
// sender.

export { OtlpProtoEncoder } from './request.js';
export { OtlpGrpcSender, OtlpHttpSender, type OtlpSender, type SenderConfig } from './transport.js';
export { PartialSuccessLog } from './partial-log.js';
export { DOWN_STREAK, Reachability } from './reachability.js';
export { ProtoWriter, WIRE_FIXED64, WIRE_VARINT, lenField, tag, utf8Bytes, writeKeyValue } from './proto-writer.js';
