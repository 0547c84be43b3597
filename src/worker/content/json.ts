// JSON text of decoded content, the same text JSON.stringify makes. Worker zone (and the calling
// thread of an in-memory tracer); pure. Why not JSON.stringify: on Node 20 (V8 11) it escapes a
// string character by character, ~7 ns a character on these VMs, most of a span's content work;
// a string with nothing to escape (almost every text) is found by one regular-expression test
// and written as it is, and only the others go through JSON.stringify.

// What JSON.stringify escapes: '"', '\', control characters, and lone surrogates (the surrogate
// range sends any string with one to JSON.stringify, which tells a pair from a lone one).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/** JSON text of `v`: JSON data as decode.ts makes it (no undefined, functions or cycles). */
export function toJson(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + toJson(v[i] === undefined ? null : v[i]);
        return `${out}]`;
      }
      let out = '{';
      let first = true;
      const o = v as Record<string, unknown>;
      for (const key of Object.keys(o)) {
        const e = o[key];
        if (e === undefined) continue;
        out += `${first ? '' : ','}${jsonString(key)}:${toJson(e)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
}
