// Quality review: the reviewer's queue, disputes, scorecards (with an
// editor), calibration sessions, and IQS and AQS per agent. The review form
// itself sits beside the transcript (conversation.js).

import { api, get } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { h } from '../dom.js';

const SCALES = ['binary', 'three', 'four', 'five'];
const fmt = (v) => (v === null || v === undefined ? '–' : num(Math.round(v * 10) / 10));

function status(el, ok, msg) {
  el.className = ok ? 'ok' : 'error';
  el.textContent = msg;
}

export async function render(main, r, ctx) {
  const role = ctx.me.role;
  main.append(h('h1', {}, t('qa.title')));
  const managing = role === 'admin' || role === 'manager';
  const sections = role === 'agent' ? [myReviews, disputes]
    : [queue, disputes, scores, trends, scorecards, calibrations, ...(managing ? [plans] : [])];
  for (const s of sections) {
    const box = h('section', { class: 'card admin' });
    main.append(box);
    try { await s(box, ctx); } catch (e) { box.append(h('p', { class: 'error' }, t('error.generic', { msg: e.message }))); }
  }
}

async function queue(box) {
  const q = await get('/qa/queue');
  box.append(h('h2', {}, t('qa.queue')), h('p', { id: 'queue-progress' }, t('qa.progress', { done: num(q.done), total: num(q.total) })),
    q.items.length ? h('ul', { id: 'queue' }, q.items.map((i) => h('li', { class: i.review ? 'muted' : '' },
      h('a', { href: '#/c/' + encodeURIComponent(i.conversation) + '?review=' + encodeURIComponent(i.scorecard) }, i.conversation),
      ' · ', i.agent, ' · ', t('qa.due', { date: dateTime(i.due) }),
      i.overdue ? h('strong', { class: 'bad' }, ' ' + t('qa.overdue')) : null,
      i.review ? ' ✓ ' + t('qa.done') : null,
      i.reasons && i.reasons.length ? h('span', { class: 'muted' }, ' (' + i.reasons.join(', ') + ')') : null)))
      : h('p', { class: 'muted' }, t('qa.empty')));
}

async function myReviews(box) {
  const list = await get('/qa/reviews');
  box.append(h('h2', {}, t('qa.myreviews')), list.length ? h('ul', { id: 'my-reviews' }, list.map((r) => {
    const open = r.disputes.some((d) => !d.resolution);
    const li = h('li', { 'data-review': r.id }, h('a', { href: '#/c/' + encodeURIComponent(r.conversation) }, r.conversation), ' · ',
      t('qa.score'), ' ', h('strong', {}, fmt(r.score)), ' · ', r.reviewer, ' · ', dateTime(r.created));
    if (!open) {
      const reason = h('input', { name: 'reason', required: true, size: 30, 'aria-label': t('qa.reason') });
      const cat = h('select', { name: 'category', 'aria-label': t('qa.category') }, r.answers.map((a) => h('option', { value: a.category }, a.category)));
      const value = h('input', { name: 'value', type: 'number', min: 0, max: 5, size: 3, required: true, 'aria-label': t('qa.value') });
      const msg = h('span', { role: 'status' });
      const form = h('form', { class: 'bar dispute' }, cat, value, reason, h('button', { type: 'submit' }, t('qa.dispute')), msg);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        try {
          await api('POST', `/qa/reviews/${r.id}/dispute`, { answers: [{ category: cat.value, value: Number(value.value) }], reason: reason.value });
          status(msg, true, t('qa.disputed'));
        } catch (err) { status(msg, false, err.message); }
      });
      li.append(form);
    } else li.append(' · ', t('qa.disputeopen'));
    return li;
  })) : h('p', { class: 'muted' }, t('qa.noreviews')));
}

async function disputes(box, ctx) {
  const list = await get('/qa/disputes');
  const canDecide = ctx.me.role !== 'agent';
  box.append(h('h2', {}, t('qa.disputes')), list.length ? h('ul', { id: 'disputes' }, list.map((r) => {
    const d = r.disputes[r.disputes.length - 1];
    const li = h('li', { 'data-review': r.id }, h('a', { href: '#/c/' + encodeURIComponent(r.conversation) }, r.conversation), ' · ', r.reviewee, ': ',
      d.proposed.map((a) => `${a.category} → ${a.value ?? 'N/A'}`).join(', '), ' — ', h('em', {}, d.reason));
    if (d.resolution) {
      li.append(' · ', t('qa.decided', { decision: t('qa.decision.' + d.resolution.decision), before: fmt(d.resolution.score_before), after: fmt(d.resolution.score_after) }));
    } else if (canDecide) {
      const decision = h('select', { name: 'decision', 'aria-label': t('qa.decision') }, ['accept', 'partial', 'reject'].map((x) => h('option', { value: x }, t('qa.decision.' + x))));
      // A partial acceptance gives the final value of each disputed category.
      const finals = d.proposed.map((a) => h('input', { 'data-category': a.category, type: 'number', min: 0, max: 5, size: 3, value: a.value ?? '', 'aria-label': t('qa.final', { category: a.category }) }));
      const partial = h('span', { hidden: true }, finals);
      decision.addEventListener('change', () => { partial.hidden = decision.value !== 'partial'; });
      const reason = h('input', { name: 'reason', required: true, size: 24, 'aria-label': t('qa.reason') });
      const msg = h('span', { role: 'status' });
      const form = h('form', { class: 'bar resolve' }, decision, partial, reason, h('button', { type: 'submit' }, t('qa.decide')), msg);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const answers = decision.value === 'partial'
          ? finals.map((i) => ({ category: i.dataset.category, value: i.value === '' ? null : Number(i.value) })) : [];
        try {
          const out = await api('POST', `/qa/reviews/${r.id}/resolve`, { decision: decision.value, reason: reason.value, answers });
          status(msg, true, t('qa.score') + ' ' + fmt(out.score));
        } catch (err) { status(msg, false, err.message); }
      });
      li.append(form);
    }
    return li;
  })) : h('p', { class: 'muted' }, t('qa.nodisputes')));
}

async function scores(box) {
  const [iqs, aqs] = await Promise.all([get('/qa/iqs?group_by=agent'), get('/qa/aqs?group_by=agent')]);
  const agents = [...new Set([...iqs.groups, ...aqs.groups].map((g) => g.group).filter(Boolean))].sort();
  const of = (list, a) => list.groups.find((g) => g.group === a) || {};
  box.append(h('h2', {}, t('qa.scores')), h('p', {}, t('qa.overall', { iqs: fmt(iqs.overall.iqs), aqs: fmt(aqs.overall.aqs) })),
    h('div', { class: 'heat-wrap' }, h('table', { id: 'qa-scores' },
      h('thead', {}, h('tr', {}, ['qa.agent', 'qa.iqs', 'qa.reviews', 'qa.aqs', 'qa.findings'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, agents.map((a) => {
        const i = of(iqs, a), q = of(aqs, a);
        const f = Object.entries(q.findings || {}).map(([k, v]) => `${k} ${v}`).join(', ');
        return h('tr', {}, h('td', {}, a), h('td', {}, fmt(i.iqs)), h('td', {}, i.reviews || 0), h('td', {}, fmt(q.aqs)), h('td', {}, f || '–'));
      })))));
}

async function trends(box) {
  const [iqs, aqs] = await Promise.all([get('/qa/iqs?group_by=week'), get('/qa/aqs?group_by=week')]);
  const [iqsTeam, aqsTeam] = await Promise.all([get('/qa/iqs?group_by=team'), get('/qa/aqs?group_by=team')]);
  const weeks = [...new Set([...iqs.groups, ...aqs.groups].map((g) => g.group).filter(Boolean))].sort().slice(-12);
  const teams = [...new Set([...iqsTeam.groups, ...aqsTeam.groups].map((g) => g.group).filter(Boolean))].sort();
  const of = (list, k) => list.groups.find((g) => g.group === k) || {};
  const table = (id, head, keys, a, b) => h('div', { class: 'heat-wrap' }, h('table', { id },
    h('thead', {}, h('tr', {}, [head, 'qa.iqs', 'qa.reviews', 'qa.aqs'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, keys.map((k) => h('tr', {}, h('td', {}, k), h('td', {}, fmt(of(a, k).iqs)), h('td', {}, of(a, k).reviews || 0), h('td', {}, fmt(of(b, k).aqs)))))));
  box.append(h('h2', {}, t('qa.trends')), table('qa-weeks', 'qa.week', weeks, iqs, aqs), table('qa-teams', 'qa.team', teams, iqsTeam, aqsTeam));
}

async function plans(box) {
  const [list, cards] = await Promise.all([get('/qa/plans'), get('/qa/scorecards')]);
  const msg = h('p', { role: 'status', id: 'plan-status' });
  const f = {
    name: h('input', { name: 'plan_name', required: true, size: 16 }),
    reviewer: h('input', { name: 'plan_reviewer', required: true, size: 10 }),
    scorecard: h('select', { name: 'plan_scorecard' }, cards.map((c) => h('option', { value: c.id }, c.name))),
    per: h('input', { name: 'plan_per', type: 'number', min: 1, max: 100, value: 5, size: 4 }),
    every: h('select', { name: 'plan_every' }, ['week', 'day', 'month'].map((x) => h('option', { value: x }, t('qa.every.' + x)))),
    pick: h('select', { name: 'plan_pick' }, ['risk', 'random'].map((x) => h('option', { value: x }, t('qa.pick.' + x)))),
    team: h('input', { name: 'plan_team', size: 10 }),
  };
  const form = h('form', { class: 'bar', id: 'plan-form' }, h('label', {}, t('qa.planname'), f.name), h('label', {}, t('qa.reviewer'), f.reviewer),
    h('label', {}, t('qa.scorecards'), f.scorecard), h('label', {}, t('qa.per'), f.per), h('label', {}, t('qa.every'), f.every),
    h('label', {}, t('qa.pick'), f.pick), h('label', {}, t('qa.team'), f.team), h('button', { type: 'submit' }, t('qa.addplan')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/qa/plans', { name: f.name.value, reviewer: f.reviewer.value, scorecard: f.scorecard.value, per_agent: Number(f.per.value),
        every: f.every.value, pick: f.pick.value, team: f.team.value || null });
      location.reload();
    } catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('qa.plans')), h('ul', { id: 'plans' }, list.map((p) => h('li', {}, h('strong', {}, p.draft.name), ' · ', p.draft.reviewer, ' · ',
    t('qa.plandesc', { n: p.draft.per_agent, every: t('qa.every.' + p.draft.every), pick: t('qa.pick.' + p.draft.pick) }), p.draft.team ? ' · ' + p.draft.team : ''))),
  cards.length ? form : null, msg);
}

async function scorecards(box, ctx) {
  const list = await get('/qa/scorecards');
  const msg = h('p', { role: 'status', id: 'scorecard-status' });
  const rows = h('tbody', { id: 'categories' });
  const addRow = (sec = '', c = {}) => {
    const tr = h('tr', {},
      h('td', {}, h('input', { name: 'section', value: sec, size: 10, 'aria-label': t('qa.section') })),
      h('td', {}, h('input', { name: 'cid', value: c.id || '', size: 10, 'aria-label': t('qa.catid') })),
      h('td', {}, h('input', { name: 'cname', value: c.name || '', size: 18, 'aria-label': t('qa.catname') })),
      h('td', {}, h('select', { name: 'scale', 'aria-label': t('qa.scale') }, SCALES.map((s) => h('option', { value: s, selected: s === (c.scale || 'five') }, t('qa.scale.' + s))))),
      h('td', {}, h('input', { name: 'weight', type: 'number', step: '0.5', min: '0.5', value: c.weight || 1, size: 4, 'aria-label': t('qa.weight') })),
      h('td', {}, h('input', { name: 'critical', type: 'checkbox', checked: !!c.critical, 'aria-label': t('qa.critical') })),
      h('td', {}, h('input', { name: 'na', type: 'checkbox', checked: !!c.na_allowed, 'aria-label': t('qa.na') })));
    rows.append(tr);
  };
  const id = h('input', { name: 'scid', required: true, size: 10, 'aria-label': t('qa.scid') });
  const name = h('input', { name: 'scname', required: true, size: 20, 'aria-label': t('qa.scname') });
  const pickCard = h('select', { 'aria-label': t('qa.scorecards') }, h('option', { value: '' }, t('qa.new')), list.map((s) => h('option', { value: s.id }, `${s.name} (v${s.version})`)));
  pickCard.addEventListener('change', () => {
    rows.replaceChildren();
    const s = list.find((x) => x.id === pickCard.value);
    id.value = s ? s.id : ''; name.value = s ? s.name : '';
    if (s) for (const sec of s.sections) for (const c of sec.categories) addRow(sec.name, c);
    else addRow();
  });
  addRow();
  const add = h('button', { type: 'button', class: 'plain' }, t('qa.addcat'));
  add.addEventListener('click', () => addRow());
  const form = h('form', { id: 'scorecard-form' }, h('div', { class: 'bar' }, h('label', {}, t('qa.scid'), id), h('label', {}, t('qa.scname'), name)),
    h('div', { class: 'heat-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ['qa.section', 'qa.catid', 'qa.catname', 'qa.scale', 'qa.weight', 'qa.critical', 'qa.na'].map((k) => h('th', { scope: 'col' }, t(k))))), rows)),
    add, ' ', h('button', { type: 'submit' }, t('qa.savecard')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const sections = [];
    for (const tr of rows.children) {
      const v = (n) => tr.querySelector(`[name=${n}]`);
      if (!v('cid').value.trim()) continue;
      const secName = v('section').value.trim() || '—';
      let sec = sections.find((s) => s.name === secName);
      if (!sec) { sec = { name: secName, categories: [] }; sections.push(sec); }
      sec.categories.push({ id: v('cid').value.trim(), name: v('cname').value.trim() || v('cid').value.trim(), scale: v('scale').value,
        weight: Number(v('weight').value) || 1, critical: v('critical').checked, na_allowed: v('na').checked });
    }
    try {
      const saved = await api('PUT', '/qa/scorecards/' + encodeURIComponent(id.value.trim()), { name: name.value, sections });
      status(msg, true, t('qa.savedversion', { version: saved.version }));
    } catch (err) { status(msg, false, err.message); }
  });
  const editable = ['admin', 'manager', 'qa'].includes(ctx.me.role);
  box.append(h('h2', {}, t('qa.scorecards')), pickCard, editable ? form : null, msg);
}

async function calibrations(box) {
  const list = await get('/qa/calibrations');
  const ul = h('ul', { id: 'calibrations' });
  for (const c of list) {
    const v = await get('/qa/calibrations/' + c.id);
    ul.append(h('li', {}, h('strong', {}, c.name), ' · ', c.conversations.join(', '), ' · ',
      t('qa.calprogress', { done: v.done, expected: v.expected }),
      v.revealed ? ' · ' + t('qa.agreement', { rate: fmt(v.agreement_rate) }) : ' · ' + t('qa.blind')));
  }
  const cards = await get('/qa/scorecards');
  const msg = h('p', { role: 'status', id: 'cal-status' });
  const name = h('input', { name: 'cal_name', required: true, size: 16 });
  const card = h('select', { name: 'cal_scorecard' }, cards.map((c) => h('option', { value: c.id }, c.name)));
  const convs = h('input', { name: 'cal_conversations', required: true, size: 24, placeholder: 'c-1, c-2' });
  const reviewers = h('input', { name: 'cal_reviewers', required: true, size: 20, placeholder: 'quinn, rita' });
  const form = h('form', { class: 'bar', id: 'cal-form' }, h('label', {}, t('qa.calname'), name), h('label', {}, t('qa.scorecards'), card),
    h('label', {}, t('qa.calconvs'), convs), h('label', {}, t('qa.calreviewers'), reviewers), h('button', { type: 'submit' }, t('qa.calopen')));
  const split = (v) => v.split(',').map((x) => x.trim()).filter(Boolean);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/qa/calibrations', { name: name.value, scorecard: card.value, conversations: split(convs.value), reviewers: split(reviewers.value) });
      location.reload();
    } catch (err) { status(msg, false, err.message); }
  });
  box.append(h('h2', {}, t('qa.calibrations')), list.length ? ul : h('p', { class: 'muted' }, t('qa.nocal')), cards.length ? form : null, msg);
}

/** The review form beside a transcript (qa, manager, admin). */
export async function reviewPanel(main, conversation, preferred) {
  const cards = await get('/qa/scorecards');
  if (!cards.length) return;
  const msg = h('p', { role: 'status', id: 'review-status' });
  const pick = h('select', { id: 'review-card', 'aria-label': t('qa.scorecards') }, cards.map((s) => h('option', { value: s.id, selected: s.id === preferred }, `${s.name} (v${s.version})`)));
  const fields = h('div', { id: 'review-fields' });
  const draw = () => {
    const s = cards.find((x) => x.id === pick.value);
    fields.replaceChildren(...s.sections.flatMap((sec) => [h('h3', {}, sec.name), ...sec.categories.map((c) => {
      const min = c.scale === 'binary' ? 0 : 1, max = { binary: 1, three: 3, four: 4, five: 5 }[c.scale];
      const opts = [];
      for (let v = min; v <= max; v++) opts.push(h('option', { value: v }, c.scale === 'binary' ? t(v ? 'qa.yes' : 'qa.no') : String(v)));
      if (c.na_allowed) opts.push(h('option', { value: '' }, 'N/A'));
      return h('label', { class: 'review-cat' }, c.name + (c.critical ? ' *' : ''),
        h('select', { 'data-category': c.id }, opts.reverse()), h('input', { 'data-comment': c.id, size: 24, placeholder: t('qa.comment'), 'aria-label': t('qa.comment') + ' ' + c.name }));
    })]));
  };
  pick.addEventListener('change', draw);
  draw();
  const form = h('form', { id: 'review-form' }, pick, fields, h('button', { type: 'submit' }, t('qa.submit')), msg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answers = [...fields.querySelectorAll('select[data-category]')].map((s) => ({
      category: s.dataset.category, value: s.value === '' ? null : Number(s.value),
      comment: fields.querySelector(`[data-comment="${CSS.escape(s.dataset.category)}"]`).value || null,
    }));
    try {
      const r = await api('POST', '/qa/reviews', { conversation, scorecard: pick.value, answers });
      status(msg, true, t('qa.reviewed', { score: fmt(r.score), agent: r.reviewee }));
    } catch (err) { status(msg, false, err.message); }
  });
  main.append(h('section', { class: 'card', 'aria-label': t('qa.review') }, h('h2', {}, t('qa.review')), form));
}
