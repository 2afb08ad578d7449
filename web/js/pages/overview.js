// The overview dashboard: KPI cards with the change against the previous
// period of the same length, new conversations per day, channel share, and
// the weekday × hour heatmap. Every number links to the samples behind it.

import { get, qs } from '../api.js';
import { t, num, seconds as SECS } from '../i18n.js';
import { h } from '../dom.js';
import { CHANNELS } from './search.js';

const DAY = 86400000;
const iso = (d) => d.toISOString().slice(0, 10);
const localToday = () => { const n = new Date(); return new Date(Date.UTC(n.getFullYear(), n.getMonth(), n.getDate())); };

/** The period [from, to] (dates, `to` inclusive) a preset stands for. */
export function period(preset, from, to) {
  const today = localToday();
  switch (preset) {
    case 'today': return [iso(today), iso(today)];
    case '7d': return [iso(new Date(today - 6 * DAY)), iso(today)];
    case 'month': return [iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1))), iso(today)];
    case 'custom': if (from && to) return [from, to];
    // fall through
    default: return [iso(new Date(today - 29 * DAY)), iso(today)];
  }
}

function previous([from, to]) {
  const f = Date.parse(from + 'T00:00:00Z'), tt = Date.parse(to + 'T00:00:00Z');
  const len = tt - f + DAY;
  return [iso(new Date(f - len)), iso(new Date(f - DAY))];
}

// KPI cards: label key, how to read the value, the samples metric, formatter.
const PCT = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);
const N = (x) => (x === null || x === undefined ? '–' : num(x));
const CARDS = [
  ['kpi.new', (m) => m.new_conversations, 'new_conversations', N, true],
  ['kpi.handled', (m) => m.conversations_handled, 'conversations_handled', N, true],
  ['kpi.frt_median', (m) => m.first_response.median, 'first_response', SECS, false],
  ['kpi.frt_p90', (m) => m.first_response.p90, 'first_response', SECS, false],
  ['kpi.reply_median', (m) => m.reply.median, 'reply', SECS, false],
  ['kpi.resolution_median', (m) => m.resolution.median, 'resolution', SECS, false],
  ['kpi.sla', (m) => m.sla.share, 'sla', PCT, true],
  ['kpi.unanswered', (m) => m.unanswered, 'unanswered', N, false],
  ['kpi.csat', (m) => m.csat.mean, 'csat', (x) => (x === null || x === undefined ? '–' : x.toFixed(2)), true],
];

export async function render(main, r) {
  const p = r.params;
  const tz = p.get('tz') || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const preset = p.get('period') || '30d';
  const [from, to] = period(preset, p.get('from'), p.get('to'));
  const business = p.get('business') === '1';
  const filters = { team: p.get('team'), role: p.get('role'), channel: p.get('channel') };
  // The metrics API's `to` is an exclusive midnight; the picker's is the last day shown.
  const after = (d) => iso(new Date(Date.parse(d + 'T00:00:00Z') + DAY));
  const base = { from, to: after(to), tz, business: business ? 'true' : null, ...filters };

  const form = h('form', { class: 'bar', id: 'period' },
    h('label', {}, h('span', { 'data-i18n': 'dash.period' }), h('select', { name: 'period' },
      [['today', 'dash.today'], ['7d', 'dash.7d'], ['30d', 'dash.30d'], ['month', 'dash.month'], ['custom', 'dash.custom']]
        .map(([v, k]) => h('option', { value: v, selected: v === preset, 'data-i18n': k })))),
    h('label', {}, h('span', { 'data-i18n': 'dash.from' }), h('input', { type: 'date', name: 'from', value: from })),
    h('label', {}, h('span', { 'data-i18n': 'dash.to' }), h('input', { type: 'date', name: 'to', value: to })),
    h('label', {}, h('span', { 'data-i18n': 'dash.tz' }), h('input', { name: 'tz', value: tz, size: 16 })),
    h('label', {}, h('span', { 'data-i18n': 'dash.team' }), h('input', { name: 'team', value: filters.team || '', size: 10 })),
    h('label', {}, h('span', { 'data-i18n': 'dash.role' }), h('select', { name: 'role' },
      [['', 'search.any'], ['support', 'role.support'], ['sales', 'role.sales'], ['ops', 'role.ops']]
        .map(([v, k]) => h('option', { value: v, selected: v === (filters.role || ''), 'data-i18n': k })))),
    h('label', {}, h('span', { 'data-i18n': 'search.channel' }), h('select', { name: 'channel' },
      [h('option', { value: '', 'data-i18n': 'search.any' }), ...CHANNELS.map((c) => h('option', { value: c, selected: c === filters.channel }, c))])),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'business', value: '1', checked: business }), h('span', { 'data-i18n': 'dash.business' })),
    h('button', { type: 'submit', 'data-i18n': 'convs.filter' }));
  form.addEventListener('change', (e) => { if (e.target.name === 'from' || e.target.name === 'to') form.period.value = 'custom'; });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/overview' + qs(Object.fromEntries(new FormData(form).entries()));
  });
  main.append(h('h1', { 'data-i18n': 'dash.title' }), form);

  const [prevFrom, prevTo] = previous([from, to]);
  const [cur, prev, days, heat] = await Promise.all([
    get('/metrics' + qs(base)),
    get('/metrics' + qs({ ...base, from: prevFrom, to: after(prevTo) })),
    get('/metrics' + qs({ ...base, group_by: 'day' })),
    get('/metrics' + qs({ ...base, group_by: 'weekday_hour' })),
  ]);
  const m = business && cur.overall.business ? { ...cur.overall, ...cur.overall.business } : cur.overall;
  const pm = business && prev.overall.business ? { ...prev.overall, ...prev.overall.business } : prev.overall;
  const drill = (metric, groupBy, group) =>
    '#/samples' + qs({ metric, from, to: after(to), tz, business: business ? '1' : null, ...filters, group_by: groupBy, group });
  main.append(h('section', { class: 'kpis', 'aria-label': t('dash.kpis') }, CARDS.map(([key, read, metric, fmt, upGood]) => {
    const v = read(m), pv = read(pm);
    let delta = '';
    let cls = 'delta';
    if (typeof v === 'number' && typeof pv === 'number' && pv !== 0) {
      const d = (v - pv) / Math.abs(pv);
      delta = (d > 0 ? '▲ ' : d < 0 ? '▼ ' : '') + Math.abs(d * 100).toFixed(1) + '%';
      cls += d === 0 ? '' : (d > 0) === upGood ? ' good' : ' bad';
    }
    return h('a', { class: 'kpi card', href: drill(metric), 'data-kpi': key },
      h('span', { class: 'label', 'data-i18n': key }),
      h('strong', { class: 'value' }, fmt(v)),
      h('span', { class: cls, title: t('dash.previous', { from: prevFrom, to: prevTo }) }, delta || '·'));
  })));
  main.append(h('div', { class: 'panels' },
    h('section', { class: 'card' }, h('h2', { 'data-i18n': 'dash.series' }), series(days.groups, drill)),
    h('section', { class: 'card' }, h('h2', { 'data-i18n': 'dash.channels' }), shares(m.channel_share))));
  main.append(h('section', { class: 'card' }, h('h2', { 'data-i18n': 'dash.heatmap' }), heatmap(heat.groups, drill)));
}

function series(groups, drill) {
  const W = 560, H = 160, pad = 24;
  const vals = groups.map((g) => g.metrics.new_conversations);
  const max = Math.max(1, ...vals);
  const bw = (W - pad) / Math.max(1, vals.length);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  // A group, not an image: its bars are links (an image's content is not reachable).
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', t('dash.series'));
  groups.forEach((g, i) => {
    const v = g.metrics.new_conversations;
    const bh = ((H - pad) * v) / max;
    const rect = document.createElementNS(svg.namespaceURI, 'rect');
    rect.setAttribute('x', pad + i * bw + 1);
    rect.setAttribute('y', H - pad - bh);
    rect.setAttribute('width', Math.max(1, bw - 2));
    rect.setAttribute('height', bh);
    rect.setAttribute('class', 'bar');
    const title = document.createElementNS(svg.namespaceURI, 'title');
    title.textContent = `${g.group}: ${num(v)}`;
    rect.append(title);
    // Every bar is a link to the conversations behind it.
    const link = document.createElementNS(svg.namespaceURI, 'a');
    link.setAttribute('href', drill('new_conversations', 'day', g.group));
    link.setAttribute('aria-label', title.textContent);
    link.append(rect);
    svg.append(link);
  });
  const label = (x, y, text, anchor) => {
    const el = document.createElementNS(svg.namespaceURI, 'text');
    el.setAttribute('x', x); el.setAttribute('y', y); el.setAttribute('class', 'axis');
    if (anchor) el.setAttribute('text-anchor', anchor);
    el.textContent = text;
    svg.append(el);
  };
  label(0, 12, num(max));
  if (groups.length) { label(pad, H - 6, groups[0].group); label(W, H - 6, groups[groups.length - 1].group, 'end'); }
  return svg;
}

function shares(cs) {
  const entries = Object.entries((cs && cs.shares) || {}).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return h('p', { class: 'muted' }, '–');
  return h('ul', { class: 'shares' }, entries.map(([ch, s]) => {
    const fill = h('span', { class: 'fill' });
    fill.style.width = (s * 100).toFixed(1) + '%'; // CSSOM, allowed by the CSP (a style attribute is not)
    return h('li', {}, h('span', { class: 'name' }, ch), h('span', { class: 'track' }, fill),
      h('span', { class: 'pct' }, (s * 100).toFixed(1) + '%'));
  }));
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function heatmap(groups, drill) {
  const by = new Map(groups.map((g) => [g.group, g.metrics]));
  const max = Math.max(1, ...groups.map((g) => g.metrics.new_conversations));
  return h('div', { class: 'heat-wrap' }, h('table', { class: 'heat' },
    h('thead', {}, h('tr', {}, h('th', {}), [...Array(24).keys()].map((hr) => h('th', { scope: 'col' }, String(hr))))),
    h('tbody', {}, DAYS.map((d) => h('tr', {}, h('th', { scope: 'row', 'data-i18n': 'day.' + d }),
      [...Array(24).keys()].map((hr) => {
        const mm = by.get(`${d}-${String(hr).padStart(2, '0')}`);
        const n = mm ? mm.new_conversations : 0;
        const level = Math.min(5, Math.ceil((n / max) * 5));
        const med = mm && mm.reply.median !== null ? SECS(mm.reply.median) : '–';
        const key = `${d}-${String(hr).padStart(2, '0')}`;
        return h('td', { class: 'l' + level, title: `${t('kpi.new')}: ${num(n)} · ${t('kpi.reply_median')}: ${med}` },
          n ? h('a', { href: drill('new_conversations', 'weekday_hour', key) }, num(n)) : '');
      }))))));
}
