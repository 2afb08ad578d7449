import { get, qs, ApiError } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { h, snippet } from '../dom.js';

export const CHANNELS = ['whatsapp', 'wechat', 'webchat', 'messenger', 'instagram', 'line', 'telegram', 'email', 'sms', 'phone', 'other'];

function select(name, value, options) {
  return h('select', { name }, options.map(([v, key]) => h('option', { value: v, selected: v === value, 'data-i18n': key.startsWith('=') ? null : key }, key.startsWith('=') ? key.slice(1) : '')));
}

export async function render(main, r, ctx) {
  const p = r.params;
  const q = h('input', { name: 'q', type: 'search', value: p.get('q') || '', 'aria-label': t('search.q'), placeholder: t('search.q') });
  const sees = ctx.me.role !== 'agent';
  const form = h('form', { class: 'bar', role: 'search' },
    h('label', { class: 'grow' }, h('span', { 'data-i18n': 'nav.search' }), q),
    h('label', {}, h('span', { 'data-i18n': 'search.channel' }),
      select('channel', p.get('channel') || '', [['', 'search.any'], ...CHANNELS.map((c) => [c, '=' + c])])),
    sees ? h('label', {}, h('span', { 'data-i18n': 'search.deleted' }),
      select('deleted', p.get('deleted') || '', [['', 'search.deleted.include'], ['exclude', 'search.deleted.exclude'], ['only', 'search.deleted.only']])) : null,
    h('label', {}, h('span', { 'data-i18n': 'search.sort' }),
      select('sort', p.get('sort') || '', [['', 'search.sort.relevance'], ['newest', 'search.sort.newest']])),
    h('button', { type: 'submit', 'data-i18n': 'search.submit' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(form);
    location.hash = '#/search' + qs(Object.fromEntries(f.entries()));
  });
  main.append(h('h1', { 'data-i18n': 'search.title' }), form);
  const results = h('section', { 'aria-live': 'polite', id: 'results' });
  main.append(results);
  q.focus();
  if (!p.get('q') && !p.get('channel')) return;
  const params = { q: p.get('q'), channel: p.get('channel'), deleted: p.get('deleted'), sort: p.get('sort'), limit: 20 };
  await page(results, params, null);
}

async function page(results, params, cursor) {
  let ans;
  try {
    ans = await get('/search' + qs({ ...params, page: cursor }));
  } catch (e) {
    const msg = e instanceof ApiError && e.status === 503 ? t('search.building') : t('error.generic', { msg: e.message });
    results.append(h('p', { class: 'error', role: 'alert' }, msg));
    return;
  }
  if (!cursor) {
    results.append(h('p', { class: 'muted', id: 'total' }, ans.total === 1 ? t('search.total.one') : ans.total ? t('search.total', { n: num(ans.total) }) : t('search.none')));
    results.append(h('ol', { class: 'hits' }));
  }
  const list = results.querySelector('.hits');
  for (const hit of ans.hits) list.append(hitItem(hit));
  results.querySelector('.more')?.remove();
  if (ans.next) {
    const more = h('button', { type: 'button', class: 'plain more' }, t('search.more'));
    more.addEventListener('click', () => page(results, params, ans.next));
    results.append(more);
  }
}

function hitItem(hit) {
  const target = '#/c/' + encodeURIComponent(hit.conversation) + (hit.message ? '?m=' + encodeURIComponent(hit.message) : '?e=' + hit.event);
  return h('li', {}, h('a', { href: target, class: 'hit' },
    h('div', { class: 'meta' },
      h('span', { class: 'badge ch-' + (hit.channel || '') }, hit.channel || ''),
      h('span', {}, t('sender.' + hit.sender)),
      hit.agent ? h('span', {}, hit.agent) : null,
      h('time', { datetime: hit.ts }, dateTime(hit.ts)),
      h('span', {}, hit.conversation),
      hit.kind !== 'message' ? h('span', { class: 'badge' }, t('kind.' + hit.kind)) : null,
      hit.edited ? h('span', { class: 'badge' }, t('flag.edited')) : null,
      hit.deleted ? h('span', { class: 'badge bad' }, t('flag.deleted')) : null),
    h('div', { class: 'snippet' }, snippet(hit.snippet))));
}
