// The samples behind a figure: each row links to its conversation.

import { get, qs } from '../api.js';
import { t, num, dateTime } from '../i18n.js';
import { h } from '../dom.js';

export async function render(main, r) {
  const p = r.params;
  const params = { metric: p.get('metric'), from: p.get('from'), to: p.get('to'), tz: p.get('tz'), business: p.get('business') === '1' ? 'true' : null,
    team: p.get('team'), role: p.get('role'), channel: p.get('channel'), agent: p.get('agent'),
    group_by: p.get('group_by'), group: p.get('group'), limit: 100 };
  main.append(h('h1', {}, t('samples.title', { metric: params.metric })),
    h('p', { class: 'muted' }, `${params.from} – ${params.to} (${params.tz})${params.group ? ' · ' + params.group : ''}`));
  const body = h('tbody', { id: 'samples' });
  main.append(h('table', {}, h('thead', {}, h('tr', {},
    ['convs.id', 'convs.agent', 'samples.start', 'samples.end', 'samples.seconds', 'samples.value'].map((k) => h('th', { scope: 'col', 'data-i18n': k })))), body));
  const total = h('p', { class: 'muted', id: 'samples-total' });
  main.insertBefore(total, main.querySelector('table'));
  const more = h('button', { type: 'button', class: 'plain' }, t('search.more'));
  main.append(more);
  const load = async (cursor) => {
    const page = await get('/metrics/samples' + qs({ ...params, cursor }));
    total.textContent = t('samples.total', { n: num(page.total) });
    for (const s of page.samples) {
      body.append(h('tr', {},
        h('td', {}, h('a', { href: '#/c/' + encodeURIComponent(s.conversation) }, s.conversation)),
        h('td', {}, s.agent || ''),
        h('td', {}, h('time', { datetime: s.start }, dateTime(s.start))),
        h('td', {}, h('time', { datetime: s.end }, dateTime(s.end))),
        h('td', {}, s.seconds ?? ''),
        h('td', {}, s.value ?? '')));
    }
    more.hidden = !page.next;
    more.onclick = () => load(page.next);
  };
  await load(null);
}
