// The metric checks of scripts/test-prometheus.mjs: what Prometheus scraped from the tracer's
// /metrics, read back through PromQL, against the figures counted from the recorded calls (and,
// for the cost, against the captured spans' costUsd).
import { api, fmt, vector } from './api.mjs';
import { check, checkGrouped, checkNumber } from './checks.mjs';

/** Checks every metric figure against `want` (calls.mjs expected()) and `tracer`'s in-memory spans. */
export async function checkMetrics(tracer, want) {
  await checkNumber('up == 1', 'up{job="ractogateway"} == 1', 1);
  await checkNumber('sum(ractogateway_requests_total) = calls', 'sum(ractogateway_requests_total)', want.calls);
  await checkGrouped('requests by status', 'sum by (status) (ractogateway_requests_total)', 'status', want.byStatus);
  await checkGrouped('requests by operation', 'sum by (operation) (ractogateway_requests_total)', 'operation', want.byOperation);
  await checkGrouped('tokens by type', 'sum by (token_type) (ractogateway_tokens_total)', 'token_type', want.tokens);
  await checkNumber('tool calls', 'sum(ractogateway_tool_calls_total)', want.toolCalls);
  await checkNumber('exact cache hits', 'sum(ractogateway_cache_hits_total{cache_type="exact"})', want.exactHits);
  await checkNumber('semantic cache hits', 'sum(ractogateway_cache_hits_total{cache_type="semantic"})', want.semanticHits);
  await checkNumber('cache misses', 'sum(ractogateway_cache_misses_total)', want.misses);
  await checkNumber('time-to-first-chunk observations', 'sum(gen_ai_client_operation_time_to_first_chunk_seconds_count)', want.ttft);
  await checkNumber('gen_ai operation duration count = calls', 'sum(gen_ai_client_operation_duration_seconds_count)', want.calls);
  await checkNumber('request duration sum (s)', 'sum(ractogateway_request_duration_seconds_sum)', want.latencySeconds, 1e-6);

  // Cost by tenant: the metric against the captured spans' llm.cost_usd (no tenant: the series without the label).
  const spans = tracer.spans;
  check('in-memory spans captured', spans.length === want.calls, `${spans.length} of ${want.calls}`);
  const costByTenant = {};
  for (const s of spans) {
    const tenant = s.attributes?.tenant ?? '';
    costByTenant[tenant] = (costByTenant[tenant] ?? 0) + s.costUsd;
  }
  try {
    const got = await vector('sum by (tenant) (ractogateway_cost_usd_total)');
    const byTenant = Object.fromEntries(Object.entries(got).map(([k, v]) => [k.replace('tenant=', ''), v]));
    const keys = new Set([...Object.keys(byTenant), ...Object.keys(costByTenant)]);
    const good = [...keys].every((k) => byTenant[k] !== undefined && costByTenant[k] !== undefined && Math.abs(byTenant[k] - costByTenant[k]) <= 1e-9);
    check('cost by tenant = sum of spans\' costUsd (1e-9)', good && Object.values(costByTenant).some((c) => c > 0),
      `prometheus ${fmt(byTenant)}, spans ${fmt(costByTenant)}`);
  } catch (err) {
    check('cost by tenant = sum of spans\' costUsd (1e-9)', false, err.message);
  }

  try {
    const r = await api('/api/v1/label/tenant/values', { 'match[]': 'ractogateway_requests_total' });
    check('tenant label values', r.status === 'success' && fmt(r.data) === fmt(want.tenants), `${fmt(r.data)}, want ${fmt(want.tenants)}`);
  } catch (err) {
    check('tenant label values', false, err.message);
  }

  for (const [q, expr] of [
    ['p50', 'histogram_quantile(0.5, sum by (le) (rate(gen_ai_client_operation_duration_seconds_bucket[1m])))'],
    ['p99', 'histogram_quantile(0.99, sum by (le) (gen_ai_client_operation_duration_seconds_bucket))'],
  ]) {
    try {
      const values = Object.values(await vector(expr));
      check(`histogram_quantile ${q} of gen_ai_client_operation_duration_seconds`, values.length === 1 && Number.isFinite(values[0]) && values[0] > 0,
        `${expr} = ${fmt(values)}`);
    } catch (err) {
      check(`histogram_quantile ${q} of gen_ai_client_operation_duration_seconds`, false, err.message);
    }
  }

  // The tracer's own health.
  await checkNumber('spans recorded', 'sum(ractogateway_spans_recorded_total)', want.calls);
  await checkNumber('spans exported', 'sum(ractogateway_spans_exported_total)', want.calls);
  await checkNumber('spans dropped', 'sum(ractogateway_spans_dropped_total)', 0);
  await checkNumber('spans failed', 'sum(ractogateway_spans_failed_total)', 0);
  await checkNumber('spans pending', 'sum(ractogateway_spans_pending)', 0);
  await checkGrouped('drop reasons exposed', 'count by (reason) (ractogateway_spans_dropped_total)', 'reason',
    { ringFull: 1, shutdown: 1, notSampled: 1, sampled: 1 });
  await checkGrouped('failure reasons exposed', 'count by (reason) (ractogateway_spans_failed_total)', 'reason',
    { exportError: 1, exportTimeout: 1, workerCrash: 1, shutdownTimeout: 1, rejected: 1, tooLarge: 1, spoolFull: 1, spoolCorrupt: 1 });
  await checkNumber('ring fill ratio', 'sum(ractogateway_ring_fill_ratio)', 0);
  await checkNumber('strings folded', 'sum(ractogateway_strings_folded_total)', 0);
  await checkNumber('series overflow', 'sum(ractogateway_metric_series_overflow_total)', 0);
}
