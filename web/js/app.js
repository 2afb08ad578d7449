// The shell: who is signed in, the language, and a hash router over pages.

import { api, get } from './api.js';
import { pickLang, setLang, translate, currentLang, t } from './i18n.js';
import { clear, h } from './dom.js';
import * as signin from './pages/signin.js';
import * as search from './pages/search.js';
import * as conversations from './pages/conversations.js';
import * as conversation from './pages/conversation.js';
import * as overview from './pages/overview.js';
import * as samples from './pages/samples.js';
import * as teams from './pages/teams.js';
import * as admin from './pages/admin.js';
import * as qa from './pages/qa.js';

const ctx = { me: null };
const pages = { signin, overview, samples, admin, qa, teams, agent: { render: teams.renderAgent }, search, conversations, c: conversation };

function route() {
  const [path, query] = (location.hash.replace(/^#\/?/, '') || 'overview').split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { page: parts[0] || 'overview', args: parts.slice(1), params: new URLSearchParams(query || '') };
}

async function render() {
  const r = route();
  const main = document.getElementById('view');
  if (!ctx.me && r.page !== 'signin') {
    location.hash = '#/signin?next=' + encodeURIComponent(location.hash || '#/');
    return;
  }
  document.getElementById('top').hidden = !ctx.me;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#/' + r.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const page = pages[r.page] || overview;
  clear(main);
  try {
    await page.render(main, r, ctx);
  } catch (e) {
    main.append(h('p', { class: 'error', role: 'alert' }, t('error.generic', { msg: e.message })));
  }
  translate(main);
}

ctx.signedIn = async (me) => {
  ctx.me = me;
  setLang(pickLang(me.locale || localStorage.getItem('lang')));
  document.getElementById('lang').value = currentLang();
  document.getElementById('who').textContent = me.username;
  // Team pages compare colleagues: not for agent users (the API refuses them too).
  document.querySelector('#nav a[href="#/teams"]').hidden = me.role === 'agent';
  document.querySelector('#nav a[href="#/admin"]').hidden = me.role !== 'admin';
  translate();
};

async function boot() {
  try { await ctx.signedIn(await get('/auth/me')); } catch { setLang(pickLang(localStorage.getItem('lang'))); translate(); }
  document.getElementById('lang').addEventListener('change', async (e) => {
    const l = e.target.value;
    setLang(l);
    localStorage.setItem('lang', l);
    translate();
    if (ctx.me) {
      ctx.me.locale = l;
      await api('PATCH', '/users/' + encodeURIComponent(ctx.me.username), { locale: l }).catch(() => {});
    }
    render();
  });
  document.getElementById('signout').addEventListener('click', async () => {
    await api('POST', '/auth/signout').catch(() => {});
    ctx.me = null;
    location.hash = '#/signin';
  });
  window.addEventListener('hashchange', render);
  render();
}

boot();
