// Team and agent pages: the role scorecard of a team as a sortable table
// (CSV download), and an agent's scorecard next to its team's spread, its
// weekly trend and its conversations.

import { get, qs } from '../api.js';
import { t, num, dateTime, seconds } from '../i18n.js';
import { h } from '../dom.js';
import { period } from './overview.js';

const DAY = 86400000;
const after = (d) => new Date(Date.parse(d + 'T00:00:00Z') + DAY).toISOString().slice(0, 10);

function fmt(col, v) {
  if (v === null || v === undefined) return '–';
  if (/_(mean|median|p90)$/.test(col) && !/^(depth|csat|engagement)/.test(col)) return seconds(v);
  if (/(share|rate|attainment)/.test(col)) return `${(v * 100).toFixed(1)}%`;
  if (/stability/.test(col)) return v.toFixed(2);
  return Number.isInteger(v) ? num(v) : v.toFixed(2);
}

function periodOf(p) {
  const [from, to] = period(p.get('period') || '30d', p.get('from'), p.get('to'));
  const tz = p.get('tz') || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return { from, to, tz, api: { from, to: after(to), tz } };
}

export async function render(main, r) {
  const p = r.params;
  const per = periodOf(p);
  const agents = await get('/agents');
  const teams = [...new Set(agents.map((a) => a.team).filter(Boolean))].sort();
  const team = p.get('team') || teams[0] || '';
  const pick = h('select', { name: 'team', id: 'team' }, teams.map((x) => h('option', { value: x, selected: x === team }, x)));
  pick.addEventListener('change', () => { location.hash = '#/teams' + qs({ team: pick.value, period: p.get('period'), from: p.get('from'), to: p.get('to') }); });
  main.append(h('h1', { 'data-i18n': 'teams.title' }),
    h('form', { class: 'bar' }, h('label', {}, h('span', { 'data-i18n': 'dash.team' }), pick)),
    h('p', { class: 'muted' }, `${per.from} – ${per.to} (${per.tz})`));
  if (!team) return;
  const card = await get('/metrics/scorecard' + qs({ ...per.api, team }));
  const cols = card.columns.map((c) => c.key);
  const rows = card.agents.map((a) => ({ ...a }));
  const table = h('table', { id: 'scorecard' });
  let sortBy = null, desc = false;
  const draw = () => {
    const sorted = sortBy ? [...rows].sort((a, b) => {
      const x = a.values[sortBy], y = b.values[sortBy];
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return desc ? y - x : x - y;
    }) : rows;
    table.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', 'data-i18n': 'convs.agent' }, t('convs.agent')), cols.map((c) =>
        h('th', { scope: 'col', 'aria-sort': sortBy === c ? (desc ? 'descending' : 'ascending') : null },
          h('button', { type: 'button', class: 'sort', 'data-col': c, onclick: () => { desc = sortBy === c ? !desc : true; sortBy = c; draw(); } }, t('col.' + c)))))),
      h('tbody', {}, sorted.map((a) => h('tr', {},
        h('td', {}, h('a', { href: '#/agent/' + encodeURIComponent(a.agent) }, a.name ? `${a.name} (${a.agent})` : a.agent)),
        cols.map((c) => h('td', { 'data-col': c }, fmt(c, a.values[c])))))),
      h('tfoot', {}, ['median', 'p90'].map((s) => h('tr', {}, h('th', { scope: 'row' }, t('teams.' + s)),
        cols.map((c) => h('td', {}, fmt(c, card.team_distribution[c] && card.team_distribution[c][s])))))));
  };
  draw();
  const csv = h('button', { type: 'button', class: 'plain', id: 'csv' }, t('teams.csv'));
  csv.addEventListener('click', () => {
    const esc = (v) => { const s = v === null || v === undefined ? '' : String(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
    const lines = [['agent', 'name', ...cols].join(','), ...rows.map((a) => [a.agent, a.name, ...cols.map((c) => a.values[c])].map(esc).join(','))];
    const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: `scorecard-${team}-${per.from}-${per.to}.csv` });
    document.body.append(a); a.click(); a.remove();
  });
  main.append(h('p', { class: 'muted' }, t('teams.role', { role: t('role.' + card.role) })), h('div', { class: 'heat-wrap' }, table), csv);
}

export async function renderAgent(main, r) {
  const id = r.args[0];
  const per = periodOf(r.params);
  const card = await get('/metrics/scorecard' + qs({ ...per.api, agent: id }));
  const me = card.agent || {};
  main.append(h('h1', {}, me.name ? `${me.name} (${id})` : id),
    h('p', { class: 'muted' }, `${me.team || ''} · ${t('role.' + card.role)} · ${per.from} – ${per.to}`));
  main.append(h('table', { id: 'agent-card' },
    h('thead', {}, h('tr', {}, ['teams.metric', 'convs.agent', 'teams.median', 'teams.p90'].map((k) => h('th', { scope: 'col', 'data-i18n': k })))),
    h('tbody', {}, card.columns.map((c) => h('tr', { 'data-col': c.key },
      h('th', { scope: 'row' }, t('col.' + c.key)),
      h('td', {}, fmt(c.key, me.values && me.values[c.key])),
      h('td', {}, fmt(c.key, card.team_distribution[c.key] && card.team_distribution[c.key].median)),
      h('td', {}, fmt(c.key, card.team_distribution[c.key] && card.team_distribution[c.key].p90)))))));
  const trend = await get('/metrics' + qs({ ...per.api, agent: id, group_by: 'week' }));
  main.append(h('h2', { 'data-i18n': 'teams.trend' }), h('table', { id: 'trend' },
    h('thead', {}, h('tr', {}, ['teams.week', 'kpi.handled', 'kpi.frt_median', 'kpi.reply_median'].map((k) => h('th', { scope: 'col', 'data-i18n': k })))),
    h('tbody', {}, trend.groups.map((g) => h('tr', {}, h('td', {}, g.group), h('td', {}, num(g.metrics.conversations_handled)),
      h('td', {}, fmt('first_response_median', g.metrics.first_response.median)), h('td', {}, fmt('reply_median', g.metrics.reply.median)))))));
  const convs = await get('/conversations' + qs({ agent: id, limit: 20 }));
  main.append(h('h2', { 'data-i18n': 'nav.conversations' }), h('ul', { id: 'agent-convs' }, convs.items.map((c) =>
    h('li', {}, h('a', { href: '#/c/' + encodeURIComponent(c.id) }, c.id), ' · ', c.channel || '', ' · ', dateTime(c.last_event)))));
}
