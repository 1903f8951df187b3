// Shared by the voice desk's pages (受付一覧, ご意見, 集計, 取り込み): the session, the
// header, API calls that carry the CSRF token, and the labels of koe's codes.
// The session cookie is HttpOnly: script never sees it, only the CSRF token the session JSON gives.
import {
  api, h, snippetNode, kindLabel, projectHref, replaceChildren, shownTerms, ApiError,
} from './common.js';

export const DESK_NAME = '八王子市 広聴 受付';

export const STATUS_LABELS = {
  new: '受付',
  confirmed: '振り分け確定',
  forwarded: '担当課へ回付',
  answered: '回答済',
  published: '公開',
  out_of_scope: '対象外',
  referred: '他機関へ移送',
};
export const STATUSES = Object.keys(STATUS_LABELS);

export const CONFIDENCE_LABELS = { high: '高', medium: '中', low: '低' };

const ROLE_LABELS = { admin: '管理者', clerk: '広聴課', division: '課の担当' };

// The channels koe's own tools write; a city's export may name its own, shown as written.
const CHANNEL_LABELS = {
  letter: '手紙', phone: '電話', web: 'ウェブ', email: 'メール', mail: 'メール', fax: 'FAX',
  visit: '窓口', counter: '窓口', meeting: '懇談会', sns: 'SNS',
};

export function statusLabel(status) {
  return STATUS_LABELS[status] || status || '';
}

export function channelLabel(channel) {
  if (!channel) return '（記載なし）';
  return CHANNEL_LABELS[String(channel).toLowerCase()] || channel;
}

// 2024-04-01 → 2024年4月1日; anything else is shown as it came.
export function dateJa(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text || ''));
  if (!m) return text || '';
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

// An instant as the desk's clock reads it (Japan time), from ISO text or Unix seconds.
export function dateTimeJa(value) {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString('ja-JP', {
    timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

// Where a voice is routed now, in words.
export function routeText(route) {
  if (!route) return '未定';
  if (route.kind === 'referral') return '移送先：' + (route.referral || '');
  if (route.kind === 'project') return (route.project || route.project_id || '') + '（' + (route.division || '') + '）';
  if (route.kind === 'division') return (route.division || '') + (route.department ? '（' + route.department + '）' : '');
  return '未定';
}

export function statusBadge(status, label) {
  return h('span', { class: 'status-badge status-' + status }, label || statusLabel(status));
}

// Confidence in words, never colour alone.
export function confidenceBadge(confidence) {
  const word = CONFIDENCE_LABELS[confidence];
  if (!word) return null;
  return h('span', { class: 'confidence ' + confidence }, '確信度：' + word);
}

// The steps of desk/src/transitions.cpp a page offers as buttons. The server stays the judge;
// this only hides what it would refuse. `division`: a 課's user may take this step too.
const TRANSITIONS = [
  { from: 'new', to: 'confirmed', action: 'confirm' },
  { from: 'new', to: 'forwarded', action: 'forward' },
  { from: 'new', to: 'out_of_scope', action: 'out_of_scope' },
  { from: 'new', to: 'referred', action: 'refer' },
  { from: 'confirmed', to: 'forwarded', action: 'forward' },
  { from: 'confirmed', to: 'answered', action: 'answer' },
  { from: 'confirmed', to: 'new', action: 'reopen' },
  { from: 'confirmed', to: 'out_of_scope', action: 'out_of_scope' },
  { from: 'confirmed', to: 'referred', action: 'refer' },
  { from: 'forwarded', to: 'answered', action: 'answer', division: true },
  { from: 'forwarded', to: 'confirmed', action: 'return', division: true },
  { from: 'forwarded', to: 'referred', action: 'refer' },
  { from: 'answered', to: 'published', action: 'publish' },
  { from: 'published', to: 'answered', action: 'unpublish' },
  { from: 'out_of_scope', to: 'new', action: 'reopen' },
  { from: 'referred', to: 'new', action: 'reopen' },
];

export function isDivisionUser(user) {
  return Boolean(user) && user.role === 'division';
}

export function mayMove(user, from, to) {
  const t = TRANSITIONS.find((x) => x.from === from && x.to === to);
  if (!t) return false;
  return !isDivisionUser(user) || Boolean(t.division);
}

// Only the 広聴課 routes voices; a 課 only answers what was forwarded to it.
export function mayRoute(user, status) {
  return !isDivisionUser(user) && (status === 'new' || status === 'confirmed');
}

export function mayAnswer(user, status) {
  if (isDivisionUser(user)) return status === 'forwarded';
  return ['confirmed', 'forwarded', 'answered', 'published'].includes(status);
}

export const ACTION_LABELS = {
  received: '受付',
  imported: '取り込み',
  confirm: '振り分け確定',
  forward: '担当課へ回付',
  out_of_scope: '対象外として終了',
  refer: '他機関へ移送',
  answer: '回答',
  return: '広聴課へ差し戻し',
  reopen: '受付に戻す',
  publish: '公開',
  unpublish: '公開の取り消し',
  reroute: '振り分けの変更',
  edit_answer: '回答の修正',
  note: 'メモ',
  status: '状態の変更',
};

export function actionLabel(action) {
  return ACTION_LABELS[action] || action || '';
}

let session = null;

function loginHref() {
  return '/login?next=' + encodeURIComponent(location.pathname + location.search);
}

// GET or an unsafe method: the latter carries the session's CSRF token. A 401 (the session
// ended) sends the clerk to the login page and back here after.
export async function deskApi(path, options = {}) {
  const method = (options.method || 'GET').toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (method !== 'GET' && method !== 'HEAD' && session && session.csrf_token) {
    headers['X-CSRF-Token'] = session.csrf_token;
  }
  try {
    return await api(path, { ...options, method, headers, credentials: 'same-origin' });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      location.assign(loginHref());
      throw new ApiError(401, 'unauthorized', 'ログインが切れました。ログインのページへ移動します。');
    }
    throw err;
  }
}

// The first call of every desk page: who is signed in, or off to the login page. Fills the
// header's user area. Resolves to the session ({user, csrf_token}) or null when the page
// cannot go on (the message is shown in `main`).
export async function startDesk() {
  const area = document.getElementById('desk-user');
  let data;
  try {
    data = await api('/api/v1/session', { credentials: 'same-origin' });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      location.replace(loginHref());
      return null;
    }
    const main = document.getElementById('desk-main') || document.querySelector('main .wrap');
    const text = err instanceof ApiError && err.code === 'desk_disabled'
      ? 'この koe では受付の機能が使えません（--store が指定されていません）。'
      : '受付の機能に接続できませんでした。しばらくしてからもう一度お試しください。';
    if (main) replaceChildren(main, h('div', { class: 'notice error', role: 'alert' }, h('p', {}, text)));
    return null;
  }
  session = data;
  const user = data.user || {};
  if (isDivisionUser(user)) {
    for (const el of document.querySelectorAll('[data-clerk-only]')) el.hidden = true;
  }
  if (area) {
    const who = [ROLE_LABELS[user.role] || user.role, user.division].filter(Boolean).join('・');
    const out = h('button', { type: 'button', class: 'signout' }, 'ログアウト');
    out.addEventListener('click', signOut);
    replaceChildren(area,
      h('span', { class: 'who' }, h('span', { class: 'visually-hidden' }, 'ログイン中：'), user.name || '', who ? '（' + who + '）' : ''),
      out);
  }
  return data;
}

async function signOut() {
  try {
    await deskApi('/api/v1/logout', { method: 'POST' });
  } catch (e) {
    // Signed out or not, the login page is where the clerk goes next.
  }
  location.assign('/login');
}

export function currentSession() {
  return session;
}

// A polite live region announcement; cleared first so a repeat is read again.
export function announcer(el) {
  return (text) => {
    el.textContent = '';
    setTimeout(() => { el.textContent = text; }, 50);
  };
}

// koe's suggestion as the matcher gave it: projects with confidence, words, and the plan's
// sentences (the only HTML taken from the server, rebuilt as text + <mark>). `pick(match)`,
// when given, adds a button to route the voice to that project.
export function matchList(matches, { pick = null, pickLabel = 'この事業に振り分け' } = {}) {
  return h('ol', { class: 'matches' }, matches.map((m) => {
    const p = m.project || {};
    const head = h('div', { class: 'match-head' },
      h('h4', { class: 'match-title' }, h('a', { href: projectHref(p.id) }, p.name || p.id)),
      confidenceBadge(m.confidence));
    const meta = h('ul', { class: 'meta', 'aria-label': '担当' });
    if (p.division) meta.append(h('li', {}, p.division));
    if (p.department) meta.append(h('li', {}, p.department));
    const sections = Array.isArray(m.sections) ? m.sections : [];
    const evidence = sections.length
      ? h('dl', { class: 'evidence', 'aria-label': '一致した記述' }, sections.map((s) => [
        h('dt', {}, s.label || kindLabel(s.kind)),
        snippetNode(s.snippet, 'dd', ''),
      ]))
      : null;
    const words = shownTerms(m.terms);
    const terms = words.length
      ? h('ul', { class: 'terms', 'aria-label': '一致した言葉' },
        h('li', {}, '一致した言葉：'), words.map((t) => h('li', {}, h('span', { class: 'tag' }, String(t)))))
      : null;
    let button = null;
    if (pick) {
      button = h('button', { type: 'button', class: 'secondary small', 'aria-label': (p.name || p.id) + '：' + pickLabel }, pickLabel);
      button.addEventListener('click', () => pick(m));
    }
    return h('li', { class: 'match' }, head, meta, evidence, terms, button);
  }));
}

// The 課 list for filters and pickers: every 課 that runs a project.
let divisionsPromise = null;
export function loadDivisions() {
  if (!divisionsPromise) {
    divisionsPromise = api('/api/v1/divisions')
      .then((d) => (Array.isArray(d.divisions) ? d.divisions : []))
      .catch(() => { divisionsPromise = null; return []; });
  }
  return divisionsPromise;
}

// 0.125 → 12.5%
export function percent(share) {
  const n = Number(share);
  if (!Number.isFinite(n)) return '—';
  return (Math.round(n * 1000) / 10).toLocaleString('ja-JP') + '%';
}
