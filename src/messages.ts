// The shapes of captured content, as the OpenTelemetry GenAI semantic conventions (v1.41) define
// them for gen_ai.system_instructions, gen_ai.input.messages, gen_ai.output.messages and
// gen_ai.tool.definitions: what recordChatSpan takes in `system`, `input`, `output` and `tools`,
// and what the span attributes carry as JSON strings. Types only.
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/ (the JSON schemas beside it)

/** Text sent to or received from the model. */
export interface TextPart {
  type: 'text';
  content: string;
}

/** Reasoning ("thinking") content received from the model. */
export interface ReasoningPart {
  type: 'reasoning';
  content: string;
}

/** A tool call the model asked for. `arguments`: any JSON value (a JSON string is parsed into it on export). */
export interface ToolCallPart {
  type: 'tool_call';
  id?: string | null;
  name: string;
  arguments?: unknown;
}

/** The result of a tool call, sent back to the model. */
export interface ToolCallResponsePart {
  type: 'tool_call_response';
  id?: string | null;
  response: unknown;
}

/** Inline data (an image, a sound): `content` in base64. */
export interface BlobPart {
  type: 'blob';
  modality: string;
  mime_type?: string | null;
  content: string;
}

/** Data the model reads from a URI. */
export interface UriPart {
  type: 'uri';
  modality: string;
  mime_type?: string | null;
  uri: string;
}

/** A file uploaded to the provider beforehand. */
export interface FilePart {
  type: 'file';
  modality: string;
  mime_type?: string | null;
  file_id: string;
}

/** Any other kind of part: a `type` and whatever JSON it carries. */
export interface GenericPart {
  type: string;
  [key: string]: unknown;
}

export type MessagePart = TextPart | ReasoningPart | ToolCallPart | ToolCallResponsePart | BlobPart | UriPart | FilePart | GenericPart;

/** One message of the chat history: role 'system', 'user', 'assistant', 'tool' or the provider's own. */
export interface ChatMessage {
  role: string;
  parts: readonly MessagePart[];
  name?: string | null;
}

/** One answer of the model (a choice, a candidate) and why it stopped. */
export interface OutputMessage extends ChatMessage {
  /** 'stop', 'length', 'content_filter', 'tool_call', 'error', or the provider's own value. */
  finish_reason?: string;
}

/** A tool the model may call. */
export interface ToolDefinition {
  /** 'function' for function tools. */
  type: string;
  name: string;
  description?: string | null;
  /** The JSON Schema of the tool's arguments. */
  parameters?: unknown;
}
