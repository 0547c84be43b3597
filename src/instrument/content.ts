// What the wrappers share to capture a call's content and response fields: the categories a
// tracer captures and the server of a client's base URL. Main thread. Content is mapped only for
// the categories the tracer records (tracer.contentCapture), once per call, and never throws into
// the caller (call.ts guards it). The response ids, finish reasons and part builders every
// provider's mapping uses (the AI SDK's ai-sdk/content.ts too) are the providers zone's
// (src/providers/parts.ts, shared with the wire parsers), named here again for the wrappers.

import type { CaptureCategories } from '../index.js';

export {
  defined, finishList, finishListOf, finishReason, modalityOf, outputMessage, responseIdOf, str, streamIndex, text, tool, toolResult, urlPart,
} from '../providers/parts.js';

export type Capture = Readonly<CaptureCategories>;

/** The categories of a tracer that captures no content. */
export const NO_CAPTURE: Capture = Object.freeze({ system: false, input: false, output: false, tools: false });

/** Whether `c` records any category. */
export function capturesAny(c: Capture): boolean {
  return c.system || c.input || c.output || c.tools;
}

/** server.address and server.port of a client's base URL (the scheme's default port when it has none). */
export function serverOf(baseURL: unknown): { address: string; port: number } | undefined {
  if (typeof baseURL !== 'string' || !URL.canParse(baseURL)) return undefined;
  const url = new URL(baseURL);
  if (url.hostname === '' || url.hostname.length > 256) return undefined;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  // An IPv6 host keeps no brackets in server.address.
  return port === undefined ? undefined : { address: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
