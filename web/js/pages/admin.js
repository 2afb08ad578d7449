// Admin: users, API tokens, channels (with the deliveries not understood),
// the business-hours schedule, SLA targets, and the audit log with the
// chain's status and a verify button.

import { api, get, qs } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { h } from '../dom.js';

const ROLES = ['admin', 'manager', 'qa', 'agent'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function status(el, ok, msg) {
  el.className = ok ? 'ok' : 'error';
  el.textContent = msg;
}

export async function render(main) {
  main.append(h('h1', { 'data-i18n': 'admin.title' }));
  const sections = [users, agents, tokens, channels, schedule, sla, audit];
  for (const s of sections) {
    const box = h('section', { class: 'card admin' });
    main.append(box);
    try { await s(box); } catch (e) { box.append(h('p', { class: 'error' }, t('error.generic', { msg: e.message }))); }
  }
}

async function users(box) {
  const list = await get('/users');
  const msg = h('p', { role: 'status', id: 'users-status' });
  const tbody = h('tbody', {}, list.map((u) => {
    const role = h('select', { 'aria-label': t('admin.role') }, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, t('userrole.' + r))));
    const agent = h('input', { value: u.agent || '', size: 8, 'aria-label': t('admin.agent') });
    const save = h('button', { type: 'button', class: 'plain' }, t('admin.save'));
    save.addEventListener('click', async () => {
      try {
        await api('PATCH', '/users/' + encodeURIComponent(u.username), { role: role.value, agent: agent.value || null });
        status(msg, true, t('admin.saved'));
      } catch (e) { status(msg, false, e.message); }
    });
    const toggle = h('button', { type: 'button', class: 'plain' }, u.active ? t('admin.deactivate') : t('admin.activate'));
    toggle.addEventListener('click', async () => {
      try { await api('PATCH', '/users/' + encodeURIComponent(u.username), { active: !u.active }); u.active = !u.active; toggle.textContent = u.active ? t('admin.deactivate') : t('admin.activate'); status(msg, true, t('admin.saved')); }
      catch (e) { status(msg, false, e.message); }
    });
    const reset = h('button', { type: 'button', class: 'plain' }, t('admin.reset'));
    reset.addEventListener('click', async () => {
      const pw = prompt(t('admin.newpassword', { user: u.username }));
      if (!pw) return;
      try { await api('PATCH', '/users/' + encodeURIComponent(u.username), { password: pw }); status(msg, true, t('admin.saved')); }
      catch (e) { status(msg, false, e.message); }
    });
    return h('tr', { 'data-user': u.username }, h('td', {}, u.username), h('td', {}, role), h('td', {}, agent),
      h('td', {}, u.active ? t('admin.active') : t('admin.inactive')), h('td', {}, save, ' ', toggle, ' ', reset));
  }));
  const name = h('input', { name: 'username', required: true, size: 12 });
  const pw = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password', size: 12 });
  const role = h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'agent' }, t('userrole.' + r))));
  const agent = h('input', { name: 'agent', size: 8 });
  const form = h('form', { class: 'bar', id: 'add-user' },
    h('label', {}, t('admin.username'), name), h('label', {}, t('signin.password'), pw),
    h('label', {}, t('admin.role'), role), h('label', {}, t('admin.agent'), agent),
    h('button', { type: 'submit' }, t('admin.add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/users', { username: name.value, password: pw.value, role: role.value, agent: agent.value || null });
      location.reload();
    } catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('admin.users')), h('div', { class: 'heat-wrap' }, h('table', { id: 'users' },
    h('thead', {}, h('tr', {}, ['admin.username', 'admin.role', 'admin.agent', 'admin.state', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))), tbody)), form, msg);
}

const AGENT_ROLES = ['support', 'sales', 'ops'];

// Agents and teams: a team is the `team` of its agents; an agent who leaves is
// deactivated, never deleted, and its conversations stay.
async function agents(box) {
  const list = await get('/agents');
  const msg = h('p', { role: 'status', id: 'agents-status' });
  const teams = [...new Set(list.map((a) => a.team).filter(Boolean))].sort();
  const teamList = h('datalist', { id: 'team-names' }, teams.map((tm) => h('option', { value: tm })));
  const roleSelect = (cur, label) => h('select', { 'aria-label': label }, h('option', { value: '' }, '–'),
    AGENT_ROLES.map((r) => h('option', { value: r, selected: r === cur }, t('role.' + r))));
  const rows = list.map((a) => {
    const name = h('input', { value: a.name || '', size: 12, 'aria-label': t('ag.name') + ' ' + a.id });
    const team = h('input', { value: a.team || '', size: 10, list: 'team-names', 'aria-label': t('ag.team') + ' ' + a.id });
    const role = roleSelect(a.role, t('ag.role') + ' ' + a.id);
    const active = h('input', { type: 'checkbox', checked: a.active, 'aria-label': t('ag.active') + ' ' + a.id });
    const save = h('button', { type: 'button', class: 'plain' }, t('admin.save'));
    save.addEventListener('click', async () => {
      try {
        await api('PUT', '/agents/' + encodeURIComponent(a.id), { name: name.value, team: team.value, role: role.value || undefined, active: active.checked });
        status(msg, true, t('admin.saved'));
      } catch (e) { status(msg, false, e.message); }
    });
    return h('tr', { 'data-agent': a.id }, h('td', {}, h('a', { href: '#/agent/' + encodeURIComponent(a.id) }, a.id)), h('td', {}, name),
      h('td', {}, team), h('td', {}, role), h('td', {}, active), h('td', {}, save));
  });
  const id = h('input', { name: 'agent_id', required: true, size: 8 });
  const name = h('input', { name: 'agent_name', size: 12 });
  const team = h('input', { name: 'agent_team', size: 10, list: 'team-names' });
  const role = roleSelect('support', t('ag.role'));
  role.name = 'agent_role';
  const form = h('form', { class: 'bar', id: 'add-agent' }, h('label', {}, t('admin.agent'), id), h('label', {}, t('ag.name'), name),
    h('label', {}, t('ag.team'), team), h('label', {}, t('ag.role'), role), h('button', { type: 'submit' }, t('ag.add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('PUT', '/agents/' + encodeURIComponent(id.value.trim()), { name: name.value, team: team.value, role: role.value || undefined, active: true });
      location.reload();
    } catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('ag.title')), teamList, h('p', { class: 'muted' }, t('ag.teams', { teams: teams.join(', ') || '–' })),
    h('div', { class: 'heat-wrap' }, h('table', { id: 'agents' },
      h('thead', {}, h('tr', {}, ['admin.agent', 'ag.name', 'ag.team', 'ag.role', 'ag.active', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, rows))), form, msg);
}

async function tokens(box) {
  const list = await get('/tokens');
  const shown = h('p', { id: 'new-token', class: 'muted' });
  const name = h('input', { name: 'name', required: true, size: 16 });
  const form = h('form', { class: 'bar' }, h('label', {}, t('admin.tokenname'), name), h('button', { type: 'submit' }, t('admin.create')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const created = await api('POST', '/tokens', { name: name.value });
    shown.replaceChildren(t('admin.tokenonce'), ' ', h('code', {}, created.token));
  });
  box.append(h('h2', {}, t('admin.tokens')), h('table', {}, h('tbody', {}, list.map((tk) => {
    const revoke = h('button', { type: 'button', class: 'plain' }, t('admin.revoke'));
    revoke.addEventListener('click', async () => { await api('DELETE', '/tokens/' + encodeURIComponent(tk.id)); revoke.replaceWith(t('admin.revoked')); });
    return h('tr', {}, h('td', {}, tk.name), h('td', {}, tk.username), h('td', {}, dateTime(tk.created)), h('td', {}, tk.revoked ? t('admin.revoked') : revoke));
  }))), form, shown);
}

const KINDS = ['whatsapp', 'messenger', 'instagram', 'line', 'telegram', 'wechat', 'wecom_kf', 'email', 'webchat'];
// Fields of a channel instance; secrets are write-only (left empty, the stored value stays).
const FIELDS = [
  ['account_id', false], ['secret', true], ['verify_token', true], ['access_token', true], ['aes_key', true],
  ['base_url', false], ['smtp_url', true], ['imap_url', true], ['allowed_origins', false],
];

async function channels(box) {
  const list = await get('/channels');
  const msg = h('p', { role: 'status', id: 'channels-status' });
  const secrets = (c) => ['secret', 'verify_token', 'access_token', 'aes_key', 'smtp_url', 'imap_url']
    .filter((k) => c[k + '_set']).map((k) => t('ch.f.' + k)).join(', ');
  const rows = list.map((c) => {
    const del = h('button', { type: 'button', class: 'plain' }, t('ch.remove'));
    del.addEventListener('click', async () => {
      if (!confirm(t('ch.confirm', { id: c.id }))) return;
      try { await api('DELETE', '/channels/' + encodeURIComponent(c.id)); location.reload(); } catch (e) { status(msg, false, e.message); }
    });
    return h('tr', { 'data-channel': c.id }, h('td', {}, c.id), h('td', {}, t('ch.kind.' + c.kind)),
      h('td', {}, c.webhook_path ? h('code', {}, location.origin + c.webhook_path) : c.kind === 'webchat'
        ? h('code', {}, `<script src="${location.origin}/widget.js" data-channel="${c.id}" async></script>`) : '–'),
      h('td', {}, secrets(c) || '–'), h('td', {}, c.last_poll || ''), h('td', {}, del));
  });
  const id = h('input', { name: 'id', required: true, size: 10, pattern: '[A-Za-z0-9_-]{1,40}' });
  const kind = h('select', { name: 'kind' }, KINDS.map((k) => h('option', { value: k }, t('ch.kind.' + k))));
  const inputs = FIELDS.map(([f, secret]) => h('label', {}, t('ch.f.' + f),
    h('input', { name: f, size: 16, type: secret ? 'password' : 'text', autocomplete: 'off', placeholder: secret ? t('ch.keep') : '' })));
  const form = h('form', { class: 'bar', id: 'channel-form' }, h('label', {}, t('ch.id'), id), h('label', {}, t('ch.kind'), kind), inputs,
    h('button', { type: 'submit' }, t('admin.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { kind: kind.value };
    for (const [f] of FIELDS) {
      const v = form.elements[f].value.trim();
      if (!v) continue;
      body[f] = f === 'allowed_origins' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
    }
    try { await api('PUT', '/channels/' + encodeURIComponent(id.value), body); location.reload(); }
    catch (err) { status(msg, false, err.message); }
  });
  const inbox = await get('/channels-inbox?show=problems&limit=20');
  const problems = h('ul', { id: 'inbox-problems' }, inbox.items.map((i) => h('li', {},
    h('strong', {}, '#' + i.seq), ' ', i.channel, ' · ', dateTime(i.received), ' · ', t('ch.state.' + i.state), ': ',
    [...((i.outcome && i.outcome.unknown) || []), (i.outcome && i.outcome.error) || ''].filter(Boolean).join('; '))));
  box.append(h('h2', {}, t('ch.title')),
    h('div', { class: 'heat-wrap' }, h('table', { id: 'channels' },
      h('thead', {}, h('tr', {}, ['ch.id', 'ch.kind', 'ch.url', 'ch.secrets', 'ch.poll', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', {}, rows))),
    form, msg,
    h('h3', {}, t('ch.inbox', { total: num(inbox.total), pending: num(inbox.pending) })),
    inbox.items.length ? problems : h('p', { class: 'muted' }, t('ch.noproblems')));
}

async function schedule(box) {
  const cur = await get('/settings/business-hours');
  const msg = h('p', { role: 'status', id: 'schedule-status' });
  const tz = h('input', { name: 'tz', value: (cur && cur.tz) || Intl.DateTimeFormat().resolvedOptions().timeZone, size: 18 });
  const rows = DAYS.map((d) => {
    const spans = (cur && cur.hours && cur.hours[d]) || [];
    return h('label', {}, t('day.' + d), h('input', { name: d, size: 22, value: spans.map(([a, b]) => `${a}-${b}`).join(', '), placeholder: '09:00-12:00, 13:00-18:00' }));
  });
  const holidays = h('input', { name: 'holidays', size: 40, value: ((cur && cur.holidays) || []).join(', '), placeholder: '2026-10-01, 2026-10-02' });
  const form = h('form', { class: 'bar', id: 'schedule' }, h('label', {}, t('dash.tz'), tz), rows, h('label', { class: 'grow' }, t('admin.holidays'), holidays),
    h('button', { type: 'submit' }, t('admin.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const hours = {};
    for (const d of DAYS) {
      const v = form.elements[d].value.trim();
      if (v) hours[d] = v.split(',').map((s) => s.trim().split('-').map((x) => x.trim()));
    }
    const body = { tz: tz.value, hours, holidays: holidays.value.split(',').map((s) => s.trim()).filter(Boolean) };
    try { await api('PUT', '/settings/business-hours', body); status(msg, true, t('admin.saved')); }
    catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('admin.schedule')), form, msg);
}

async function sla(box) {
  const cur = await get('/settings/sla');
  const msg = h('p', { role: 'status', id: 'sla-status' });
  const def = h('input', { name: 'default_seconds', type: 'number', min: 1, value: cur.default_seconds });
  const teams = h('input', { name: 'teams', size: 40, value: Object.entries(cur.teams || {}).map(([k, v]) => `${k}=${v}`).join(', '), placeholder: 'cn-care=120, sales-apac=600' });
  const form = h('form', { class: 'bar', id: 'sla' }, h('label', {}, t('admin.sladefault'), def), h('label', { class: 'grow' }, t('admin.slateams'), teams), h('button', { type: 'submit' }, t('admin.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const per = {};
    for (const part of teams.value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [k, v] = part.split('=').map((x) => x.trim());
      per[k] = Number(v);
    }
    try { await api('PUT', '/settings/sla', { default_seconds: Number(def.value), teams: per }); status(msg, true, t('admin.saved')); }
    catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('admin.sla')), form, msg);
}

async function audit(box) {
  const tbody = h('tbody', { id: 'audit' });
  const head = h('p', { class: 'muted', id: 'chain-head' });
  const result = h('p', { role: 'status', id: 'verify-result' });
  const verify = h('button', { type: 'button', id: 'verify' }, t('admin.verify'));
  verify.addEventListener('click', async () => {
    result.textContent = '…';
    const r = await api('POST', '/audit/verify');
    status(result, r.ok, r.ok ? t('admin.verified', { entries: num(r.audit_entries), events: num(r.events) }) : t('admin.broken', { problem: r.problems[0] || '' }));
  });
  const more = h('button', { type: 'button', class: 'plain' }, t('search.more'));
  const load = async (before) => {
    const page = await get('/audit' + qs({ before, limit: 50 }));
    if (page.head) head.textContent = t('admin.head', { seq: page.head.seq, hash: page.head.hash.slice(0, 16) + '…' });
    for (const e of page.items) {
      tbody.append(h('tr', {}, h('td', {}, e.seq), h('td', {}, dateTime(e.ts)), h('td', {}, e.actor), h('td', {}, e.action), h('td', {}, e.target), h('td', {}, e.detail || '')));
    }
    more.hidden = !page.next;
    more.onclick = () => load(page.next);
  };
  box.append(h('h2', {}, t('admin.audit')), head, verify, result,
    h('div', { class: 'heat-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ['#', 'admin.when', 'admin.who', 'admin.action', 'admin.target', 'admin.detail'].map((k) => h('th', { scope: 'col' }, k === '#' ? k : t(k))))), tbody)), more);
  await load(null);
}
