// The checks of issue 32's signals in scripts/test-prometheus.mjs: money saved by reason against
// the captured spans' costSavedUsd, the rate-limit gauges' last values, the time-per-chunk
// histogram's count, and the exemplars Prometheus stored (--enable-feature=exemplar-storage):
// present on the duration histograms and the cost counter, each of a trace the receiver got.
import { api, fmt, vector } from './api.mjs';
import { check, checkGrouped, checkNumber } from './checks.mjs';

/** `want`: calls.mjs expected(); `tracer`: its in-memory spans; `received`: trace ids the OTLP receiver got. */
export async function checkSignals(tracer, want, received) {
  const saved = { gateway_cache: 0, prompt_cache: 0 };
  for (const s of tracer.spans) {
    if (s.costSavedUsd === null) continue;
    saved[s.cacheHit === 'miss' ? 'prompt_cache' : 'gateway_cache'] += s.costSavedUsd;
  }
  try {
    const got = await vector('sum by (reason) (ractogateway_cost_saved_usd_total)');
    const byReason = Object.fromEntries(Object.entries(got).map(([k, v]) => [k.replace('reason=', ''), v]));
    const good = Object.keys(saved).every((r) => saved[r] > 0 && Math.abs((byReason[r] ?? NaN) - saved[r]) <= 1e-9);
    check('money saved by reason = sum of spans\' costSavedUsd (1e-9)', good, `prometheus ${fmt(byReason)}, spans ${fmt(saved)}`);
  } catch (err) {
    check('money saved by reason = sum of spans\' costSavedUsd (1e-9)', false, err.message);
  }
  await checkGrouped('rate-limit remaining (last value) by limit', 'sum by (limit) (ractogateway_ratelimit_remaining)', 'limit', want.remaining);
  await checkGrouped('rate limit by limit', 'sum by (limit) (ractogateway_ratelimit_limit)', 'limit', want.limits);
  await checkNumber('time-per-output-chunk observations (gaps)', 'sum(gen_ai_client_operation_time_per_output_chunk_seconds_count)', want.chunkGaps);
  await checkNumber('time-per-output-chunk sum (s)', 'sum(gen_ai_client_operation_time_per_output_chunk_seconds_sum)', want.chunkSeconds, 1e-9);

  const end = Date.now() / 1000;
  for (const metric of ['ractogateway_request_duration_seconds_bucket', 'gen_ai_client_operation_duration_seconds_bucket', 'ractogateway_cost_usd_total']) {
    try {
      const r = await api('/api/v1/query_exemplars', { query: metric, start: String(end - 600), end: String(end + 60) });
      const ids = (r.data ?? []).flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
      const unknown = ids.filter((id) => !received.has(id));
      check(`exemplars of ${metric}: trace ids of spans the receiver got`, r.status === 'success' && ids.length > 0 && unknown.length === 0,
        `${ids.length} exemplars, ${unknown.length} unknown (${received.size} traces received)`);
    } catch (err) {
      check(`exemplars of ${metric}: trace ids of spans the receiver got`, false, err.message);
    }
  }
}
