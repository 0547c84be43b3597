// A small client of Prometheus's HTTP API (/api/v1/…) for the server this run started: the raw
// answer, and an instant query read back as { 'label=value,…': number }.

let promUrl;

/** Points every later call at the Prometheus server at `url` (http://127.0.0.1:port). */
export function useServer(url) {
  promUrl = url;
}

/** One GET of the API: the answer's JSON body, with the HTTP status as `http`. */
export async function api(path, params = {}) {
  const url = new URL(path, promUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await res.json().catch(() => ({ status: 'error', errorType: 'non-JSON', error: `HTTP ${res.status}` }));
  return { http: res.status, ...body };
}
export async function query(expr) {
  return api('/api/v1/query', { query: expr });
}
/** The instant vector of `expr` as { 'label=value,…': number }; throws on a failed query. */
export async function vector(expr) {
  const r = await query(expr);
  if (r.status !== 'success') throw new Error(`${expr}: ${r.errorType}: ${r.error}`);
  if (r.data.resultType === 'scalar') return { '': Number(r.data.result[1]) };
  const out = {};
  for (const s of r.data.result) {
    const key = Object.entries(s.metric).map(([k, v]) => `${k}=${v}`).sort().join(',');
    out[key] = Number(s.value[1]);
  }
  return out;
}
export const fmt = (o) => JSON.stringify(o);
