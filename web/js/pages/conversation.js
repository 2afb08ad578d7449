import { get, api, ApiError } from '../api.js';
import { t, dateTime, time, seconds as SECS } from '../i18n.js';
import { h } from '../dom.js';
import { reviewPanel } from './qa.js';

export async function render(main, r, ctx) {
  const id = r.args[0];
  let data;
  try {
    data = await get('/conversations/' + encodeURIComponent(id));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      main.append(h('p', { class: 'error', role: 'alert', id: 'notfound' }, t('conv.notfound')));
      return;
    }
    throw e;
  }
  const c = data.conversation;
  const fact = (key, value) => h('div', {}, h('dt', { 'data-i18n': key }), h('dd', {}, value));
  main.append(h('h1', {}, c.id),
    h('dl', { class: 'facts' },
      fact('conv.channel', c.channel || ''),
      fact('conv.status', t('convs.status.' + (c.waiting_since ? 'waiting' : c.status))),
      fact('conv.contact', c.contact || ''),
      fact('conv.agents', c.agents.join(', ')),
      fact('conv.tags', c.tags.join(', ')),
      c.csat ? fact('conv.csat', c.csat + '/5') : null));
  const list = h('ol', { class: 'timeline', id: 'timeline' });
  fill(list, data.timeline);
  main.append(list);
  await figures(main, id, list);
  if (ctx && ctx.me && ['admin', 'manager', 'agent'].includes(ctx.me.role)) replyBox(main, id, list, ctx.me);
  // Reviewers score the conversation beside its transcript.
  if (ctx && ctx.me && ['admin', 'manager', 'qa'].includes(ctx.me.role)) await reviewPanel(main, id, r.params.get('review')).catch(() => {});
  const m = r.params.get('m');
  const ev = r.params.get('e');
  const target = m ? list.querySelector(`[data-message="${CSS.escape(m)}"]`) : ev ? list.querySelector(`[data-seq="${CSS.escape(ev)}"]`) : null;
  if (target) {
    target.classList.add('target');
    target.scrollIntoView({ block: 'center' });
  }
}

/** A file the channel held for us is served by chatledger once fetched; a plain URL is shown as text. */
function attachmentLink(e, a) {
  const label = a.name || a.url || '';
  if (e.via && a.url && /^(whatsapp-media|telegram-file|line-content|wechat-media|wecom-media):/.test(a.url)) {
    return h('a', { href: '/api/v1/attachments/' + encodeURIComponent(e.via) + '/' + a.url, download: a.name || true }, label);
  }
  return label;
}

const RANK = { sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

/** The timeline, with each message sent to the customer marked with how far it got. */
function fill(list, timeline) {
  list.replaceChildren();
  const statusOf = {};
  const marks = [];
  for (const item of timeline) {
    const e = item.event;
    if (e.type !== 'status') continue;
    if (e.message) {
      if (!statusOf[e.message] || RANK[e.status] > RANK[statusOf[e.message]]) statusOf[e.message] = e.status;
    } else marks.push(e);
  }
  for (const item of timeline) {
    const e = item.event;
    if (e.type === 'message' && e.sender !== 'customer') {
      // A watermark (no message id) covers every message sent before it.
      for (const w of marks) {
        if (w.ts >= e.ts && (!statusOf[e.id] || RANK[w.status] > RANK[statusOf[e.id]])) statusOf[e.id] = w.status;
      }
    }
    const el = entry(item, statusOf);
    if (el) list.append(el);
  }
}

/** The reply box, and the replies the channel has not accepted yet. */
function replyBox(main, id, list, me) {
  const pending = h('ul', { class: 'unsent', id: 'unsent', 'aria-live': 'polite' });
  const text = h('textarea', { id: 'reply-text', rows: 3, required: true, 'aria-label': t('reply.text'), placeholder: t('reply.text') });
  const agent = me.role === 'agent' ? null
    : h('input', { id: 'reply-agent', value: me.agent || '', required: true, size: 10, 'aria-label': t('reply.agent'), placeholder: t('reply.agent') });
  const msg = h('p', { class: 'muted', role: 'status', id: 'reply-msg' });
  let timer = null;
  // The timeline is drawn again only once a reply went out (it keeps the message scrolled to until then).
  const refresh = async (timeline = true) => {
    const unsent = await get('/conversations/' + encodeURIComponent(id) + '/messages/unsent');
    if (timeline) fill(list, (await get('/conversations/' + encodeURIComponent(id))).timeline);
    pending.replaceChildren(...unsent.map((u) => h('li', { class: u.state, 'data-reply': u.id },
      h('div', { class: 'text' }, u.text),
      h('div', { class: 'meta' }, u.state === 'failed' ? t('reply.failed', { error: u.last_error || '' }) : t('reply.pending', { n: u.attempts })),
      u.state === 'failed' ? h('button', { type: 'button', onclick: async () => { await api('POST', '/replies/' + u.id + '/retry', {}); refresh(); } }, t('reply.retry')) : null)));
    clearTimeout(timer);
    if (unsent.some((u) => u.state === 'pending')) timer = setTimeout(() => document.body.contains(list) && refresh(), 1500);
  };
  const form = h('form', { class: 'reply', id: 'reply', onsubmit: async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await api('POST', '/conversations/' + encodeURIComponent(id) + '/messages', { text: text.value, agent: agent ? agent.value : undefined });
      text.value = '';
      await refresh();
    } catch (e) {
      msg.textContent = e.message;
      msg.className = 'error';
    }
  } }, h('label', { for: 'reply-text', class: 'sr-only' }, t('reply.text')), text, agent,
    h('button', { type: 'submit' }, t('reply.send')), msg);
  main.append(h('section', { 'aria-label': t('reply.title') }, h('h2', {}, t('reply.title')), pending, form));
  refresh(false).catch(() => {});
}

function entry(item, statusOf = {}) {
  const e = item.event;
  const when = h('time', { datetime: e.ts }, dateTime(e.ts));
  const line = (text) => h('li', { class: 'event', 'data-seq': item.seq }, text, ' · ', when);
  switch (e.type) {
    case 'message': {
      const cls = [e.sender, item.deleted ? 'deleted' : ''].join(' ');
      const who = e.sender === 'agent' ? e.agent : e.sender === 'customer' ? (e.contact || t('sender.customer')) : t('sender.bot');
      const text = item.redacted ? h('em', { class: 'muted' }, t('tl.withheld')) : (item.current_text ?? e.text ?? '');
      const li = h('li', { class: cls, 'data-message': e.id, 'data-seq': item.seq },
        h('div', { class: 'meta' }, h('strong', {}, who), when,
          item.revisions && item.revisions.length ? h('span', { class: 'badge' }, t('tl.edited')) : null,
          e.echo ? h('span', { class: 'badge' }, t('tl.echo')) : null,
          statusOf[e.id] ? h('span', { class: 'badge status-' + statusOf[e.id], 'data-status': statusOf[e.id] }, t('st.' + statusOf[e.id])) : null),
        h('div', { class: 'text' }, text),
        (e.attachments || []).map((a) => h('div', { class: 'meta' }, '📎 ', attachmentLink(e, a))));
      if (item.revisions && item.revisions.length) {
        li.append(h('details', { class: 'revisions' }, h('summary', {}, t('tl.original', { n: item.revisions.length })),
          h('ol', {}, item.revisions.map((rv) => h('li', {}, h('time', { datetime: rv.ts }, time(rv.ts)), ' ', rv.text ?? '')))));
      }
      if (item.deleted) {
        const by = item.deleted.by ? t('by.' + item.deleted.by) : null;
        li.append(h('div', { class: 'meta recall' }, by
          ? t('tl.recalled', { by, time: time(item.deleted.ts) })
          : t('tl.deleted', { time: time(item.deleted.ts) })));
      }
      return li;
    }
    case 'note':
      return h('li', { class: 'note', 'data-seq': item.seq },
        h('div', { class: 'meta' }, h('strong', {}, t('tl.note', { agent: e.agent })), when),
        h('div', { class: 'text' }, item.redacted ? t('tl.withheld') : (e.text ?? '')));
    case 'assign': return line(t('tl.assign', { agent: e.agent }));
    case 'transfer': return line([t('tl.transfer', { from: e.from, to: e.to }), e.reason ? ' (' + t('tl.reason', { reason: e.reason }) + ')' : ''].join(''));
    case 'tag': return line(t('tl.tag', { tag: e.tag }));
    case 'untag': return line(t('tl.untag', { tag: e.tag }));
    case 'resolve': return line(e.agent ? t('tl.resolveby', { agent: e.agent }) : t('tl.resolve'));
    case 'reopen': return line(t('tl.reopen'));
    case 'csat': return line(t('tl.csat', { score: e.score }) + (e.comment ? ': ' + e.comment : ''));
    default: return null;
  }
}


/** This conversation's own figures, to check by eye against the timeline. */
async function figures(main, id, before) {
  let f;
  try { f = await get('/conversations/' + encodeURIComponent(id) + '/figures'); } catch { return; }
  const fig = (key, label, value) => h('div', { 'data-fig': key }, h('dt', { 'data-i18n': label }), h('dd', {}, value));
  main.insertBefore(h('dl', { class: 'facts', id: 'figures', 'aria-label': t('fig.title') },
    fig('first_response_s', 'fig.first_response', SECS(f.first_response_s)),
    fig('replies', 'fig.replies', f.replies ?? 0),
    fig('reply_median_s', 'fig.reply_median', SECS(f.reply_median_s)),
    fig('reply_p90_s', 'fig.reply_p90', SECS(f.reply_p90_s)),
    fig('duration_s', 'fig.duration', SECS(f.duration_s)),
    fig('resolution_s', 'fig.resolution', SECS(f.resolution_s)),
    fig('depth', 'fig.depth', f.depth ?? '–'),
    fig('transfers', 'fig.transfers', f.transfers ?? 0)), before);
}
