// The fields of the AI SDK 7 telemetry events (the `Telemetry` interface of `ai`, its
// dist/index.d.ts) that the integration reads. Written structurally, all optional where the SDK
// may leave them out, so that nothing here imports `ai` (an optional peer) and so that the SDK's
// own event types are assignable to these: `aiSdkTelemetry()`'s object type-checks as a
// `Telemetry`.

/** onStart: an operation (generateText, streamText, generateObject, streamObject, embed, embedMany, …) begins. */
export interface AiSdkOperationStart {
  readonly callId: string;
  /** 'ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject', 'ai.embed', 'ai.embedMany', … */
  readonly operationId: string;
  /** The AI SDK's provider id: 'openai.chat', 'anthropic.messages', 'google.generative-ai', … */
  readonly provider?: string;
  readonly modelId?: string;
  /** TelemetryOptions.functionId of the call. */
  readonly functionId?: string;
  /** The call's runtime context: the keys its telemetry.includeRuntimeContext sets to true. */
  readonly runtimeContext?: unknown;
}

/** onLanguageModelCallStart, onObjectStepStart: one model call begins. */
export interface ModelCallStart {
  readonly callId: string;
  readonly provider: string;
  readonly modelId: string;
  /** onLanguageModelCallStart: the system prompt (a string, or system messages). */
  readonly instructions?: unknown;
  /** onLanguageModelCallStart: the ModelMessage[] sent. */
  readonly messages?: unknown;
  /** onLanguageModelCallStart: the prepared tool definitions. */
  readonly tools?: unknown;
  /** onObjectStepStart: the provider-level prompt. */
  readonly promptMessages?: unknown;
  /** false: the call's telemetry hides its inputs (the AI SDK then empties the fields above). */
  readonly recordInputs?: boolean;
}

/** LanguageModelUsage: totals that include their details (the AI SDK's contract for every provider). */
export interface UsageLike {
  readonly inputTokens?: number;
  readonly inputTokenDetails?: {
    readonly noCacheTokens?: number;
    readonly cacheReadTokens?: number;
    readonly cacheWriteTokens?: number;
  };
  readonly outputTokens?: number;
  readonly outputTokenDetails?: {
    readonly textTokens?: number;
    readonly reasoningTokens?: number;
  };
}

/** onLanguageModelCallEnd: the model's answer, parsed. */
export interface ModelCallEnd {
  readonly callId: string;
  /** The model the provider answered with (the response's model id), else the one asked for. */
  readonly modelId: string;
  /** The unified finish reason: 'stop', 'length', 'tool-calls', 'error', … */
  readonly finishReason?: string;
  readonly usage?: UsageLike;
  readonly content?: ReadonlyArray<{ readonly type: string }>;
  readonly performance?: { readonly timeToFirstOutputMs?: number };
  /** The provider's id of the response. */
  readonly responseId?: string;
  /** The HTTP origin the call went to (no credentials, no path). */
  readonly request?: { readonly url?: string };
  /** false: the call's telemetry hides its outputs. */
  readonly recordOutputs?: boolean;
}

/** onObjectStepEnd (generateObject, streamObject). */
export interface ObjectStepEnd {
  readonly callId: string;
  readonly modelId: string;
  readonly finishReason?: string;
  readonly usage?: UsageLike;
  /** streamObject: milliseconds to the first chunk. */
  readonly msToFirstChunk?: number;
  readonly response?: { readonly modelId?: string; readonly id?: string };
  readonly request?: { readonly url?: string };
  /** The JSON text the model wrote, and its reasoning, if any. */
  readonly objectText?: string;
  readonly reasoning?: unknown;
  readonly recordOutputs?: boolean;
}

/** onEmbedStart: one doEmbed attempt (an embed, one chunk of an embedMany, or a retry of either). */
export interface EmbedStart {
  readonly callId: string;
  readonly embedCallId: string;
  readonly provider: string;
  readonly modelId: string;
  /** The values this attempt embeds; empty when the call set recordInputs: false. */
  readonly values?: ReadonlyArray<string>;
}

/** onEmbedEnd: an attempt that succeeded. */
export interface EmbedEnd {
  readonly callId: string;
  readonly embedCallId: string;
  readonly modelId: string;
  readonly usage?: { readonly tokens?: number };
}

/** onStepError: a step's model call failed (or generateText was aborted). */
export interface StepError {
  readonly callId: string;
  readonly error?: unknown;
}

/** onAbort (streamText): the operation was aborted. */
export interface OperationAbort {
  readonly callId: string;
}
