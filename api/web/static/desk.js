// 受付一覧 page: the inbox. The URL (/desk?status=&division=&confidence=&q=&from=&to=&offset=)
// holds the filters, so a view can be bookmarked and back/forward replays it. The keys j/k
// move the selection, Enter opens it, c confirms koe's suggestion for it.
import { h, replaceChildren, errorNotice, ApiError } from './common.js';
import {
  startDesk, deskApi, loadDivisions, announcer, statusBadge, statusLabel, confidenceBadge, channelLabel, dateJa,
  routeText, isDivisionUser, STATUSES, DESK_NAME,
} from './desk-common.js';

const LIMIT = 20;
const KEYS = ['status', 'division', 'confidence', 'q', 'from', 'to'];

const form = document.getElementById('filter-form');
const tabs = document.getElementById('status-tabs');
const area = document.getElementById('list-area');
const message = document.getElementById('message');
const announce = announcer(document.getElementById('status'));
const fields = {
  division: document.getElementById('f-division'),
  confidence: document.getElementById('f-confidence'),
  q: document.getElementById('f-q'),
  from: document.getElementById('f-from'),
  to: document.getElementById('f-to'),
};

let user = null;
let voices = []; // the rows shown, in order
let selected = -1;
let current = null; // AbortController of the load in flight

function readState(search = location.search) {
  const p = new URLSearchParams(search);
  const state = {};
  for (const k of KEYS) state[k] = (p.get(k) || '').trim();
  if (!STATUSES.includes(state.status)) state.status = '';
  const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
  state.offset = offset - (offset % LIMIT);
  return state;
}

function urlFor(state) {
  const p = new URLSearchParams();
  for (const k of KEYS) if (state[k]) p.set(k, state[k]);
  if (state.offset) p.set('offset', String(state.offset));
  const s = p.toString();
  return s ? '/desk?' + s : '/desk';
}

function navigate(state) {
  const url = urlFor(state);
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  load(state);
}

// A real link (open in a new tab works), but a plain click stays on the page.
function navLink(state, attrs, ...children) {
  const a = h('a', { ...attrs, href: urlFor(state) }, ...children);
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(state);
  });
  return a;
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const state = readState();
  for (const [k, el] of Object.entries(fields)) state[k] = el.value.trim();
  if (state.from && state.to && state.from > state.to) {
    showMessage(h('div', { class: 'notice error' }, h('p', {}, '受付日の「から」が「まで」より後になっています。')));
    fields.from.focus();
    return;
  }
  state.offset = 0;
  navigate(state);
});

document.getElementById('filter-reset').addEventListener('click', (ev) => {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  navigate(readState(''));
});

window.addEventListener('popstate', () => load(readState()));

function showMessage(node) {
  replaceChildren(message, node);
}

async function load(state) {
  // A 課 from a shared URL stays selectable even when the list does not name it.
  if (state.division && ![...fields.division.options].some((o) => o.value === state.division)) {
    fields.division.append(h('option', { value: state.division }, state.division));
  }
  for (const [k, el] of Object.entries(fields)) el.value = state[k];
  if (current) current.abort();
  current = new AbortController();
  const signal = current.signal;
  showMessage();
  area.setAttribute('aria-busy', 'true');
  const params = new URLSearchParams({ limit: String(LIMIT), offset: String(state.offset) });
  for (const k of KEYS) if (state[k]) params.set(k, state[k]);
  const range = new URLSearchParams();
  if (state.from) range.set('from', state.from);
  if (state.to) range.set('to', state.to);
  let list;
  let stats = null;
  try {
    [list, stats] = await Promise.all([
      deskApi('/api/v1/voices?' + params.toString(), { signal }),
      deskApi('/api/v1/stats?' + range.toString(), { signal }).catch(() => null),
    ]);
  } catch (err) {
    if (signal.aborted) return;
    area.removeAttribute('aria-busy');
    const lead = err instanceof ApiError && err.status === 400 ? 'この条件では絞り込めませんでした。条件を見直してください。' : '一覧を読み込めませんでした。';
    replaceChildren(area, errorNotice(err, lead));
    return;
  }
  if (signal.aborted) return;
  area.removeAttribute('aria-busy');
  renderTabs(state, stats);
  renderList(state, list);
  document.title = (state.status ? statusLabel(state.status) + 'の' : '') + '受付一覧 - ' + DESK_NAME;
}

function renderTabs(state, stats) {
  const counts = {};
  let total = null;
  if (stats) {
    total = Number(stats.total) || 0;
    for (const c of stats.by_status || []) counts[c.key] = Number(c.count) || 0;
  }
  const tab = (status, label, count) => h('li', {}, navLink({ ...state, status, offset: 0 },
    { 'aria-current': state.status === status ? 'page' : null },
    h('span', {}, label),
    count === null ? null : h('span', { class: 'count' }, h('span', { class: 'visually-hidden' }, '、'), String(count), '件')));
  replaceChildren(tabs,
    tab('', 'すべて', total),
    STATUSES.map((s) => tab(s, statusLabel(s), stats ? counts[s] || 0 : null)));
}

function renderList(state, data) {
  const total = Number(data.total) || 0;
  voices = Array.isArray(data.voices) ? data.voices : [];
  selected = -1;
  const nodes = [];
  const from = Math.min(state.offset + 1, total);
  const to = Math.min(state.offset + voices.length, total);
  nodes.push(h('h2', { id: 'list-heading', class: 'result-summary' },
    '条件に合うご意見：', h('strong', {}, total.toLocaleString('ja-JP')), '件',
    voices.length ? h('span', { class: 'hint' }, from + '〜' + to + '件目（新しい順）') : null));
  if (!voices.length) {
    nodes.push(h('div', { class: 'notice info' }, h('p', {}, total
      ? 'このページにはご意見がありません。'
      : '条件に合うご意見はありません。'),
    total ? h('p', {}, navLink({ ...state, offset: 0 }, {}, '最初のページへ')) : null));
    replaceChildren(area, nodes);
    announce('条件に合うご意見は' + total + '件です。');
    return;
  }
  const list = h('ol', { class: 'voice-list', id: 'voice-list', 'aria-label': 'ご意見の一覧', start: String(from) });
  voices.forEach((v, i) => list.append(row(v, i)));
  nodes.push(list);
  const pages = pager(state, total);
  if (pages) nodes.push(pages);
  replaceChildren(area, nodes);
  announce('条件に合うご意見は' + total + '件です。');
}

function beginning(text) {
  const t = String(text || '').replace(/\s+/g, ' ').trim();
  return t.length > 90 ? t.slice(0, 90) + '…' : t;
}

// koe's suggestion in a line: the project and 課 with its confidence, or "対象外の見込み".
function suggestionNode(s) {
  if (!s) return h('span', { class: 'muted' }, '提案なし');
  if (s.out_of_scope || !s.route) {
    return h('span', {}, h('span', { class: 'tag' }, '対象外の見込み'));
  }
  const top = (s.matches || []).find((m) => m.project && m.project.id === s.route.project_id) || (s.matches || [])[0];
  return h('span', {}, s.route.project || s.route.project_id, '（', s.route.division || '', '）',
    top ? [' ', confidenceBadge(top.confidence)] : null);
}

function row(v, i) {
  const link = h('a', { class: 'row-link', href: '/desk/voices/' + encodeURIComponent(v.id) }, beginning(v.text_masked) || '（本文なし）');
  link.addEventListener('focus', () => select(i, { focus: false }));
  return h('li', { class: 'voice-row', 'data-id': String(v.id) },
    h('ul', { class: 'meta row-meta', 'aria-label': '受付' },
      h('li', {}, h('span', { class: 'visually-hidden' }, '受付日：'), dateJa(v.received_at)),
      h('li', {}, h('span', { class: 'visually-hidden' }, '受付方法：'), channelLabel(v.channel)),
      v.external_id ? h('li', {}, '受付番号 ', v.external_id) : null,
      h('li', {}, statusBadge(v.status, v.status_label))),
    h('p', { class: 'row-text' }, link),
    h('dl', { class: 'row-route' },
      h('div', {}, h('dt', {}, 'koe の提案'), h('dd', {}, suggestionNode(v.suggestion))),
      h('div', {}, h('dt', {}, '振り分け'), h('dd', {}, routeText(v.route)))));
}

function pager(state, total) {
  const pages = Math.ceil(total / LIMIT);
  if (pages <= 1) return null;
  const page = Math.floor(state.offset / LIMIT);
  const at = (i) => ({ ...state, offset: i * LIMIT });
  const items = [];
  if (page > 0) items.push(h('li', {}, navLink(at(page - 1), { rel: 'prev' }, '前へ')));
  const first = Math.max(0, Math.min(page - 3, pages - 7));
  const last = Math.min(pages - 1, first + 6);
  for (let i = first; i <= last; i++) {
    items.push(h('li', {}, i === page
      ? h('span', { 'aria-current': 'page' }, String(i + 1), h('span', { class: 'visually-hidden' }, 'ページ目'))
      : navLink(at(i), { 'aria-label': (i + 1) + 'ページ目' }, String(i + 1))));
  }
  if (page < pages - 1) items.push(h('li', {}, navLink(at(page + 1), { rel: 'next' }, '次へ')));
  return h('nav', { class: 'pager', 'aria-label': 'ページ送り' }, h('ul', {}, items));
}

function rows() {
  return [...area.querySelectorAll('.voice-row')];
}

function select(i, { focus = true } = {}) {
  const all = rows();
  if (!all.length) return;
  selected = Math.max(0, Math.min(i, all.length - 1));
  all.forEach((r, k) => {
    r.classList.toggle('selected', k === selected);
    if (k === selected) r.setAttribute('aria-current', 'true');
    else r.removeAttribute('aria-current');
  });
  if (focus) {
    const link = all[selected].querySelector('.row-link');
    link.focus();
    all[selected].scrollIntoView({ block: 'nearest' });
  }
}

// c: confirm the selected voice as koe suggested, with the version this page showed.
async function confirmSelected() {
  const v = voices[selected];
  if (!v) {
    showMessage(h('div', { class: 'notice warn' }, h('p', {}, 'ご意見を j / k で選んでから c を押してください。')));
    return;
  }
  if (isDivisionUser(user)) {
    showMessage(h('div', { class: 'notice warn' }, h('p', {}, '振り分けの確定は広聴課が行います。')));
    return;
  }
  const s = v.suggestion;
  if (v.status !== 'new') {
    showMessage(h('div', { class: 'notice warn' },
      h('p', {}, 'このご意見は「', statusLabel(v.status), '」です。c で確定できるのは「受付」のご意見だけです。')));
    return;
  }
  if (!s || s.out_of_scope || !s.route || !s.route.project_id) {
    showMessage(h('div', { class: 'notice warn' },
      h('p', {}, 'koe はこのご意見をどの事業にも当てはまらない（対象外の見込み）としたため、c では確定できません。'),
      h('p', {}, h('a', { href: '/desk/voices/' + encodeURIComponent(v.id) }, 'ご意見のページ'), 'で振り分け先を選ぶか、対象外として閉じてください。')));
    return;
  }
  const at = selected;
  try {
    const updated = await deskApi('/api/v1/voices/' + encodeURIComponent(v.id), {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: v.version, route: { project_id: s.route.project_id }, status: 'confirmed' }),
    });
    voices[at] = updated;
    const old = rows()[at];
    const fresh = row(updated, at);
    old.replaceWith(fresh);
    select(at);
    showMessage(null);
    announce('確定しました：' + routeText(updated.route));
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const reload = h('button', { type: 'button', class: 'secondary small' }, '一覧を読み込み直す');
      reload.addEventListener('click', () => load(readState()));
      showMessage(h('div', { class: 'notice error' },
        h('p', {}, 'このご意見は、この一覧を開いた後にほかの人が変更しました。確定していません。'), reload));
    } else {
      showMessage(errorNotice(err, '確定できませんでした。'));
    }
  }
}

document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
  const t = ev.target;
  if (t && (t.closest('input, select, textarea, [contenteditable]'))) return;
  if (ev.key === 'j') {
    ev.preventDefault();
    select(selected + 1);
  } else if (ev.key === 'k') {
    ev.preventDefault();
    select(selected < 0 ? 0 : selected - 1);
  } else if (ev.key === 'Enter' && selected >= 0 && !(t && t.closest('a, button'))) {
    ev.preventDefault();
    location.assign(rows()[selected].querySelector('.row-link').href);
  } else if (ev.key === 'c') {
    ev.preventDefault();
    confirmSelected();
  }
});

async function main() {
  const session = await startDesk();
  if (!session) return;
  user = session.user;
  if (isDivisionUser(user)) {
    document.getElementById('division-field').hidden = true;
    document.querySelector('#desk-main h1').append(h('span', { class: 'h1-sub' }, user.division || ''));
  } else {
    const divisions = await loadDivisions();
    for (const d of divisions) fields.division.append(h('option', { value: d.division }, d.division));
  }
  load(readState());
}

main();
