// The value rules of the OpenTelemetry environment variables (the SDK environment variable spec
// and the OTLP exporter spec), one parser per kind of value: integers, booleans, enums and their
// comma lists, `key=value` lists with percent-decoding, URLs. Each parser takes the variable's
// name and its raw text, returns the value, or throws a TypeError/RangeError naming the variable
// and the text (code RACTO_ERR_INVALID_OPTION). Main thread, at construction; env.ts calls them.

import { describeValue, invalidRange, invalidType } from '../errors.js';

const CODE = 'RACTO_ERR_INVALID_OPTION';

/** The variable's text with surrounding spaces removed; undefined when unset or empty (the spec reads an empty value as unset). */
export function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** A whole number in [min, max]: milliseconds, sizes. */
export function intText(name: string, v: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(v)) throw invalidType(name, `an integer between ${min} and ${max}`, v, CODE);
  const n = Number(v);
  if (n < min || n > max) throw invalidRange(name, `an integer between ${min} and ${max}`, v, CODE);
  return n;
}

export type BoolReading = { value: boolean; warning?: string };

/**
 * A boolean as the spec reads it: only `true` (any case) is true; `false` (any case) is false; any
 * other value is false too, with a warning naming the variable (the spec asks for one).
 */
export function boolText(name: string, v: string): BoolReading {
  const lower = v.toLowerCase();
  if (lower === 'true') return { value: true };
  if (lower === 'false') return { value: false };
  return { value: false, warning: `${name} is read as false: only 'true' or 'false' are booleans (received ${describeValue(v)})` };
}

/** One of `values` (case-insensitive, returned as listed). */
export function enumText<T extends string>(name: string, v: string, values: readonly T[]): T {
  const found = values.find((x) => x === v.toLowerCase());
  if (found === undefined) throw invalidRange(name, values.map((x) => `'${x}'`).join(' or '), v, CODE);
  return found;
}

/** A comma list of members of `values`, blanks skipped, each once. */
export function enumListText<T extends string>(name: string, v: string, values: readonly T[]): T[] {
  const out: T[] = [];
  for (const item of v.split(',')) {
    const t = item.trim();
    if (t === '') continue;
    const found = values.find((x) => x === t.toLowerCase());
    if (found === undefined) {
      throw invalidRange(name, `a comma list of ${values.map((x) => `'${x}'`).join(', ')}`, v, CODE);
    }
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/**
 * `key1=value1,key2=value2` (W3C Baggage octets, percent-encoded), as OTEL_RESOURCE_ATTRIBUTES and
 * the *_HEADERS variables carry it. Blank members are skipped; a member with no `=`, an empty key
 * or a broken %-escape makes the whole value malformed (the spec: discard it and report). With
 * `secret`, the message names the member's key but never echoes the value (header values are
 * credentials).
 */
export function pairsText(name: string, v: string, secret: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const member of v.split(',')) {
    if (member.trim() === '') continue;
    const eq = member.indexOf('=');
    const rawKey = eq < 0 ? member.trim() : member.slice(0, eq).trim();
    const shown = secret ? `a member named ${describeValue(rawKey)}` : describeValue(member.trim());
    if (eq <= 0 || rawKey === '') {
      throw malformedPairs(name, shown);
    }
    try {
      out[decodeURIComponent(rawKey)] = decodeURIComponent(member.slice(eq + 1).trim());
    } catch {
      throw malformedPairs(name, shown);
    }
  }
  return out;
}

function malformedPairs(name: string, shown: string): TypeError {
  const err = new TypeError(`${name} must be a comma list of key=value pairs, percent-encoded (received ${shown})`);
  return Object.assign(err, { code: CODE });
}

/** An http:// or https:// URL, credentials masked in the message. */
export function httpUrlText(name: string, v: string): URL {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw invalidType(name, 'an http:// or https:// URL', v, CODE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidType(name, 'an http:// or https:// URL', v, CODE);
  return url;
}

/** A gRPC endpoint: an http(s) URL or a bare host:port, returned as given (main/endpoints.ts grpcUrl() makes the URL). */
export function grpcEndpointText(name: string, v: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `http://${v}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw invalidType(name, 'host:port or an http:// or https:// URL', v, CODE);
  }
  return v;
}

/**
 * The OTLP/HTTP rule for the generic OTEL_EXPORTER_OTLP_ENDPOINT: the signal's path (`v1/traces`,
 * `v1/metrics`) is appended to the URL's own path, whatever it is.
 */
export function withSignalPath(base: URL, signalPath: string): string {
  const url = new URL(base.href);
  url.pathname = `${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}${signalPath}`;
  return url.href;
}
