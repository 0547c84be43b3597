// Every PromQL expression of dashboards/ractogateway.json evaluated against this run's
// Prometheus (template variables substituted): each must succeed and return data, and each
// label_values variable must list values, as Grafana would ask for them.
import { readFile } from 'node:fs/promises';
import { api, fmt, query } from './api.mjs';
import { check } from './checks.mjs';

const DASHBOARD = new URL('../../dashboards/ractogateway.json', import.meta.url);

const SUBSTITUTIONS = {
  provider: '.*',
  model: '.*',
  tenant: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
  __range_s: '300',
};
function substitute(expr) {
  return expr.replace(/\$\{(\w+)(?::[\w]+)?\}|\$(\w+)/g, (whole, braced, plain) => {
    const name = braced ?? plain;
    if (!Object.hasOwn(SUBSTITUTIONS, name)) throw new Error(`unknown template variable ${whole} in ${expr}`);
    return SUBSTITUTIONS[name];
  });
}
function allPanels(panels) {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

export async function checkDashboard() {
  let dashboard;
  try {
    dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8'));
    check('dashboard parses as JSON', true, DASHBOARD.pathname);
  } catch (err) {
    check('dashboard parses as JSON', false, err.message);
    return;
  }
  const inputs = dashboard.__inputs ?? [];
  check('dashboard asks for a Prometheus datasource on import', inputs.some((i) => i.name === 'DS_PROMETHEUS' && i.pluginId === 'prometheus'),
    fmt(inputs.map((i) => `${i.name}:${i.pluginId}`)));

  const variables = dashboard.templating?.list ?? [];
  const names = variables.map((v) => v.name).sort();
  check('dashboard has the provider, model and tenant variables', ['model', 'provider', 'tenant'].every((n) => names.includes(n)), fmt(names));
  for (const v of variables) {
    const def = typeof v.query === 'string' ? v.query : v.query?.query ?? v.definition;
    const m = /^\s*label_values\((.+),\s*(\w+)\s*\)\s*$/.exec(def ?? '');
    if (m === null) {
      check(`variable ${v.name}: label_values query`, false, `cannot read ${fmt(def)}`);
      continue;
    }
    const [, selector, label] = m;
    try {
      // What Grafana's Prometheus datasource asks for a label_values(selector, label) variable.
      const r = await api(`/api/v1/label/${label}/values`, { 'match[]': substitute(selector) });
      check(`variable ${v.name}: ${def}`, r.status === 'success' && r.data.length > 0 && v.includeAll === true,
        r.status === 'success' ? `values ${fmt(r.data)}, All option ${v.includeAll === true}${v.allValue ? ` (${v.allValue})` : ''}` : `${r.http} ${r.errorType}: ${r.error}`);
    } catch (err) {
      check(`variable ${v.name}: ${def}`, false, err.message);
    }
  }

  const targets = allPanels(dashboard.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr })));
  check('dashboard has PromQL targets', targets.length > 0 && targets.every((t) => typeof t.expr === 'string' && t.expr.length > 0), `${targets.length} expressions`);
  for (const t of targets) {
    const name = `panel "${t.panel}" ${t.refId}`;
    try {
      const expr = substitute(t.expr);
      const r = await query(expr);
      if (r.status !== 'success') {
        check(name, false, `${r.http} ${r.errorType}: ${r.error} in ${expr}`);
        continue;
      }
      // The recorded calls touch every metric the dashboard reads, so each panel must show data.
      const series = r.data.resultType === 'vector' ? r.data.result : [{ metric: {}, value: r.data.result }];
      const shown = series.map((s) => `${Object.values(s.metric).join(' ') || '{}'}=${Number(s.value[1]).toPrecision(4)}`);
      check(name, series.length > 0, `${series.length} series${shown.length ? ` ${shown.slice(0, 6).join(', ')}${shown.length > 6 ? ', …' : ''}` : ''}`);
    } catch (err) {
      check(name, false, err.message);
    }
  }
}
