// Shared helpers for koe's pages. Every string from the API goes into the page as text;
// the only HTML taken from the API is a snippet, and even that is reduced to text + <mark>.

export const KIND_LABELS = {
  title: '事業名',
  reason: '重要度が高いとする理由',
  focus: '目標設定にあたって重視した点',
  purpose: '目的',
  goal_2030: '目標（2030年のあるべき姿）',
  goal_fy: '目標（年度末のあるべき姿）',
  status: '現状',
  issues: '課題',
  activities: '事業内容',
  mission: '部のミッション',
  vision: '部のビジョン',
};

export function kindLabel(kind, fallback) {
  return KIND_LABELS[kind] || fallback || kind || '';
}

// Thrown for any failed API call, with a message fit to show a citizen.
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, from Retry-After (429, 503)
  }
}

export async function api(path, options = {}) {
  let res;
  try {
    res = await fetch(path, {
      ...options,
      headers: { Accept: 'application/json', ...(options.headers || {}) },
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'サーバーに接続できませんでした。通信状態をご確認のうえ、もう一度お試しください。');
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (!res.ok) {
    const err = body && body.error ? body.error : {};
    throw new ApiError(res.status, err.code || String(res.status), err.message || '',
      Number(res.headers.get('Retry-After')) || 0);
  }
  if (body === null) {
    throw new ApiError(res.status, 'bad_response', 'サーバーから正しい応答がありませんでした。');
  }
  return body;
}

// h('a', {href: '/x', class: 'y'}, 'text', child) — children that are strings become text nodes.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// The API escapes snippets and wraps hits in <mark>. We still rebuild them from an inert
// <template> keeping only text and <mark>, so a server bug can never inject markup here.
export function snippetNode(html, tag = 'p', className = 'snippet') {
  const out = document.createElement(tag);
  if (className) out.className = className;
  const tpl = document.createElement('template');
  tpl.innerHTML = String(html || '');
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(n.data));
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        if (n.localName === 'mark') {
          const m = document.createElement('mark');
          copy(n, m);
          to.appendChild(m);
        } else {
          copy(n, to);
        }
      }
    }
  };
  copy(tpl.content, out);
  return out;
}

export function projectHref(id) {
  return '/projects/' + encodeURIComponent(id);
}

export function errorNotice(err, lead) {
  const detail = err && err.message ? err.message : '';
  let text = lead || '申し訳ありません。処理できませんでした。';
  if (err && err.status === 404) text = lead || 'お探しの情報は見つかりませんでした。';
  else if (err && err.status >= 500) text = '申し訳ありません。サーバーで問題が発生しました。しばらくしてからもう一度お試しください。';
  return h('div', { class: 'notice error', role: 'alert' },
    h('p', {}, text),
    detail && err.status < 500 ? h('p', { class: 'hint' }, '詳細：', detail) : null);
}

export function replaceChildren(el, ...nodes) {
  el.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}

// Index-internal terms (Xapian prefixes such as "XLproject") are not words a reader typed.
function isWord(t) {
  return typeof t === 'string' && t !== '' && !/^X[A-Z]*[a-z]/.test(t);
}

// The API lists a compound and its parts (返礼品, 返礼, 品); a reader needs only the longest.
export function shownTerms(terms) {
  const words = [...new Set((Array.isArray(terms) ? terms : []).filter(isWord))];
  return words.filter((w) => !words.some((o) => o !== w && o.includes(w)));
}

export const SITE_NAME = '八王子市 計画検索';
