// ログイン page: name + password → POST /api/v1/login, then on to ?next= (a path of this
// site only, so a link cannot send a clerk elsewhere after signing in) or the inbox.
import { api, h, replaceChildren, ApiError } from './common.js';

const form = document.getElementById('login-form');
const name = document.getElementById('login-name');
const password = document.getElementById('login-password');
const error = document.getElementById('login-error');
const submit = document.getElementById('login-submit');

// Only a same-origin path: "/desk?x" yes; "//evil", "/\evil", "https://…" no.
export function safeNext(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/desk';
  try {
    const u = new URL(raw, location.origin);
    if (u.origin !== location.origin) return '/desk';
    if (u.pathname === '/login') return '/desk';
    return u.pathname + u.search + u.hash;
  } catch (e) {
    return '/desk';
  }
}

const next = safeNext(new URLSearchParams(location.search).get('next'));

function showError(...lines) {
  replaceChildren(error, lines.filter(Boolean).map((l) => h('p', {}, l)));
  error.hidden = false;
}

// How long the lock lasts, from the answer's Retry-After (seconds).
function waitText(seconds) {
  if (!seconds) return '';
  return seconds >= 120 ? '約' + Math.ceil(seconds / 60) + '分後にもう一度お試しください。'
    : '約' + seconds + '秒後にもう一度お試しください。';
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  error.hidden = true;
  name.removeAttribute('aria-invalid');
  password.removeAttribute('aria-invalid');
  if (!name.value.trim() || !password.value) {
    const empty = !name.value.trim() ? name : password;
    empty.setAttribute('aria-invalid', 'true');
    showError('名前とパスワードを入力してください。');
    empty.focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = '確認しています…';
  try {
    await api('/api/v1/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: name.value.trim(), password: password.value }),
    });
    location.assign(next);
    return;
  } catch (err) {
    password.value = '';
    if (err instanceof ApiError && err.status === 401) {
      showError('名前かパスワードが違います。');
    } else if (err instanceof ApiError && err.status === 429) {
      showError('ログインの失敗が続いたため、しばらくログインできません。' + waitText(err.retryAfter),
        'サーバーからの詳細：' + err.message);
    } else if (err instanceof ApiError && err.code === 'desk_disabled') {
      showError('この koe では受付の機能が使えません（--store が指定されていません）。');
    } else if (err instanceof ApiError && err.status === 0) {
      showError(err.message);
    } else {
      showError('ログインできませんでした。しばらくしてからもう一度お試しください。', err && err.message ? '詳細：' + err.message : '');
    }
    password.focus();
  } finally {
    submit.disabled = false;
    submit.textContent = 'ログイン';
  }
});

// Already signed in (a bookmark of /login): straight on.
api('/api/v1/session', { credentials: 'same-origin' })
  .then(() => location.replace(next))
  .catch(() => name.focus());
