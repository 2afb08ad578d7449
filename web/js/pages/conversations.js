import { get, qs } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { h } from '../dom.js';
import { CHANNELS } from './search.js';

export async function render(main, r) {
  const p = r.params;
  const sel = (name, opts) => h('select', { name }, opts.map(([v, label, key]) =>
    h('option', { value: v, selected: (p.get(name) || '') === v, 'data-i18n': key || null }, label || '')));
  const form = h('form', { class: 'bar' },
    h('label', {}, h('span', { 'data-i18n': 'convs.channel' }), sel('channel', [['', '', 'search.any'], ...CHANNELS.map((c) => [c, c])])),
    h('label', {}, h('span', { 'data-i18n': 'convs.status' }), sel('status', [['', '', 'search.any'],
      ['open', '', 'convs.status.open'], ['waiting', '', 'convs.status.waiting'], ['resolved', '', 'convs.status.resolved']])),
    h('label', {}, h('span', { 'data-i18n': 'convs.agent' }), h('input', { name: 'agent', value: p.get('agent') || '', size: 8 })),
    h('label', {}, h('span', { 'data-i18n': 'convs.tag' }), h('input', { name: 'tag', value: p.get('tag') || '', size: 10 })),
    h('button', { type: 'submit', 'data-i18n': 'convs.filter' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/conversations' + qs(Object.fromEntries(new FormData(form).entries()));
  });
  main.append(h('h1', { 'data-i18n': 'convs.title' }), form);
  const body = h('tbody');
  const table = h('table', {}, h('thead', {}, h('tr', {},
    ['convs.id', 'convs.channel', 'convs.status', 'convs.agent', 'convs.messages', 'convs.last'].map((k) => h('th', { scope: 'col', 'data-i18n': k })))), body);
  main.append(table);
  const filters = { channel: p.get('channel'), status: p.get('status'), agent: p.get('agent'), tag: p.get('tag'), limit: 50 };
  const more = h('button', { type: 'button', class: 'plain' }, t('search.more'));
  const load = async (cursor) => {
    const page = await get('/conversations' + qs({ ...filters, cursor }));
    for (const c of page.items) {
      body.append(h('tr', {},
        h('td', {}, h('a', { href: '#/c/' + encodeURIComponent(c.id) }, c.id)),
        h('td', {}, c.channel || ''),
        h('td', {}, t('convs.status.' + (c.waiting_since ? 'waiting' : c.status))),
        h('td', {}, c.holder || ''),
        h('td', {}, num(c.messages)),
        h('td', {}, h('time', { datetime: c.last_event }, dateTime(c.last_event)))));
    }
    if (!page.items.length && !cursor) main.append(h('p', { class: 'muted' }, t('convs.none')));
    more.hidden = !page.next;
    more.onclick = () => load(page.next);
  };
  main.append(more);
  await load(null);
}
