import { api, get } from '../api.js';
import { t } from '../i18n.js';
import { h } from '../dom.js';

export async function render(main, r, ctx) {
  const error = h('p', { class: 'error', role: 'alert' }, r.params.get('expired') ? t('signin.expired') : '');
  const user = h('input', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card signin' },
    h('h1', { 'data-i18n': 'signin.title' }),
    h('label', {}, h('span', { 'data-i18n': 'signin.user' }), user),
    h('label', {}, h('span', { 'data-i18n': 'signin.password' }), pass),
    error,
    h('button', { type: 'submit', 'data-i18n': 'signin.submit' }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/auth/signin', { username: user.value, password: pass.value });
      await ctx.signedIn(await get('/auth/me'));
      const next = r.params.get('next') || '';
      location.hash = next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/overview';
    } catch {
      error.textContent = t('signin.failed');
    }
  });
  main.append(form);
  user.focus();
}
