// This folder's Node 22+ packages as one ES module, for code outside the folder that must load
// these copies (bench/ai-sdk-cost.mjs): a bare import resolves from the importing file, so the
// imports live here. Namespaces, one per package.
export * as ai from 'ai';
export * as aiInternal from 'ai/internal';
export * as aiOpenAI from '@ai-sdk/openai';
export * as aiOtel from '@ai-sdk/otel';
export * as otelApi from '@opentelemetry/api';
export * as otelContext from '@opentelemetry/context-async-hooks';
export * as otelSdk from '@opentelemetry/sdk-trace';
export * as otlpProto from '@opentelemetry/exporter-trace-otlp-proto';
