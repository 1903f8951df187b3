// 検索 page: the URL (/?q=&division=&kind=&project=&offset=) is the whole state, so results
// can be shared and bookmarked, and back/forward replays them without reloading the page.
import {
  api, h, snippetNode, kindLabel, projectHref, errorNotice, replaceChildren, SITE_NAME, ApiError,
} from './common.js';

const LIMIT = 10;
const FILTER_KEYS = ['division', 'kind', 'project'];

const form = document.getElementById('search-form');
const input = document.getElementById('q');
const area = document.getElementById('results-area');
const status = document.getElementById('status');

let current = null; // AbortController of the request in flight
let projectNames = null; // id -> name, fetched lazily for the 事業 filter chip

function readState(search = location.search) {
  const p = new URLSearchParams(search);
  const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
  return {
    q: (p.get('q') || '').trim(),
    division: p.get('division') || '',
    kind: p.get('kind') || '',
    project: p.get('project') || '',
    offset: offset - (offset % LIMIT),
  };
}

function urlFor(state) {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const k of FILTER_KEYS) if (state[k]) p.set(k, state[k]);
  if (state.offset) p.set('offset', String(state.offset));
  const s = p.toString();
  return s ? '/?' + s : '/';
}

function announce(text) {
  // Clear first so the same text (e.g. a repeated search) is announced again.
  status.textContent = '';
  setTimeout(() => { status.textContent = text; }, 50);
}

// Links keep a real href (open in new tab, copy link), but a plain click stays on the page.
function navLink(state, attrs, ...children) {
  const a = h('a', { ...attrs, href: urlFor(state) }, ...children);
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    navigate(state, { focusResults: true });
  });
  return a;
}

function navigate(state, opts = {}) {
  const url = urlFor(state);
  if (url !== location.pathname + location.search) history.pushState(null, '', url);
  load(state, opts);
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = input.value.trim();
  if (!q) {
    input.focus();
    replaceChildren(area, h('div', { class: 'notice warn', role: 'alert' },
      h('p', {}, '検索する言葉を入力してください。')));
    return;
  }
  // A new query starts from the first page with no filters: old filters may not apply to it.
  navigate({ q, division: '', kind: '', project: '', offset: 0 });
});

window.addEventListener('popstate', () => load(readState(), { focusResults: false }));

async function load(state, opts = {}) {
  input.value = state.q;
  if (current) current.abort();
  current = new AbortController();
  const signal = current.signal;

  if (!state.q) {
    document.title = '計画を検索 - ' + SITE_NAME;
    await showIndex(signal);
    return;
  }

  document.title = '「' + state.q + '」の検索結果 - ' + SITE_NAME;
  area.setAttribute('aria-busy', 'true');
  const params = new URLSearchParams({ q: state.q, limit: String(LIMIT), offset: String(state.offset) });
  for (const k of FILTER_KEYS) if (state[k]) params.set(k, state[k]);

  let data;
  try {
    data = await api('/api/v1/search?' + params.toString(), { signal });
  } catch (err) {
    if (signal.aborted) return;
    area.removeAttribute('aria-busy');
    const lead = err instanceof ApiError && err.status === 400
      ? 'この言葉では検索できませんでした。別の言葉を入力して、もう一度お試しください。'
      : null;
    replaceChildren(area, errorNotice(err, lead));
    announce(lead || '検索できませんでした。');
    return;
  }
  if (signal.aborted) return;
  area.removeAttribute('aria-busy');
  if (state.project && !projectNames) await fetchProjectNames(data);
  render(state, data);
  if (opts.focusResults) {
    const heading = document.getElementById('results-heading');
    if (heading) heading.focus({ preventScroll: false });
  }
}

async function fetchProjectNames(data) {
  projectNames = {};
  for (const r of data.results || []) if (r.project) projectNames[r.project.id] = r.project.name;
  try {
    const list = await api('/api/v1/projects');
    for (const p of list.projects || []) projectNames[p.id] = p.name;
  } catch (e) {
    // The chip falls back to the id; not worth an error message.
  }
}

function render(state, data) {
  const total = Number(data.total) || 0;
  const results = Array.isArray(data.results) ? data.results : [];
  const facets = data.facets || {};
  const hasFilter = FILTER_KEYS.some((k) => state[k]);
  const nodes = [];

  const summary = h('h2', { id: 'results-heading', class: 'result-summary', tabindex: '-1' });
  nodes.push(summary);

  if (total === 0) {
    summary.append('「', state.q, '」の検索結果：0件');
    nodes.push(filterChips(state));
    nodes.push(noResults(state, hasFilter));
    replaceChildren(area, nodes);
    announce('「' + state.q + '」に一致する情報は見つかりませんでした。');
    return;
  }

  const from = Math.min(state.offset + 1, total);
  const to = Math.min(state.offset + results.length, total);
  summary.append('「', state.q, '」の検索結果：', h('strong', {}, total.toLocaleString('ja-JP')), '件');
  if (results.length) summary.append(h('span', { class: 'hint' }, from + '〜' + to + '件目を表示'));

  if (data.relaxed) {
    nodes.push(h('div', { class: 'notice warn' },
      h('p', {}, 'すべての言葉を含む箇所は見つかりませんでした。入力した言葉の一部を含む結果を表示しています。')));
  }
  nodes.push(filterChips(state));

  const list = h('ol', { class: 'results', start: String(from), 'aria-label': '検索結果' });
  for (const r of results) list.append(resultItem(r));
  const main = h('div', { class: 'results-main' });
  if (results.length) {
    main.append(list);
    const pages = pager(state, total);
    if (pages) main.append(pages);
  } else {
    main.append(h('div', { class: 'notice info' },
      h('p', {}, 'このページには結果がありません。'),
      h('p', {}, navLink({ ...state, offset: 0 }, {}, '最初のページへ戻る'))));
  }

  const facetNav = facetPanel(state, facets);
  const layout = h('div', { class: 'search-layout' + (facetNav ? '' : ' no-facets') }, main, facetNav);
  if (facetNav) {
    nodes.push(h('p', { class: 'jump-facets' }, h('a', { href: '#facets' }, '課・項目で絞り込む')));
  }
  nodes.push(layout);
  replaceChildren(area, nodes);
  announce('「' + state.q + '」の検索結果は' + total + '件です。' + (data.relaxed ? '一部の言葉を含む結果です。' : ''));
}

function resultItem(r) {
  const section = r.section || {};
  const label = section.label || kindLabel(section.kind);
  const title = r.project
    ? h('a', { href: projectHref(r.project.id) }, r.project.name || '（名称なし）')
    : h('span', {}, r.department || '', '（部の目標）');
  const meta = h('ul', { class: 'meta', 'aria-label': '所管と項目' });
  if (r.project && r.project.division) meta.append(h('li', {}, r.project.division));
  if (r.department) meta.append(h('li', {}, r.department));
  if (label) meta.append(h('li', {}, h('span', { class: 'tag' }, label)));
  return h('li', { class: 'result' },
    h('article', {}, h('h3', {}, title), meta, snippetNode(r.snippet)));
}

function filterChips(state) {
  const chips = [];
  const names = {
    division: (v) => '課：' + v,
    kind: (v) => '項目：' + kindLabel(v),
    project: (v) => '事業：' + ((projectNames && projectNames[v]) || v),
  };
  for (const k of FILTER_KEYS) {
    if (!state[k]) continue;
    chips.push(h('li', {}, navLink({ ...state, [k]: '', offset: 0 },
      { 'aria-label': names[k](state[k]) + ' の絞り込みを解除' }, names[k](state[k]), ' ×')));
  }
  if (!chips.length) return null;
  return h('ul', { class: 'active-filters', 'aria-label': '適用中の絞り込み' },
    h('li', {}, '絞り込み中：'), chips);
}

function facetPanel(state, facets) {
  const groups = [];
  const division = Array.isArray(facets.division) ? facets.division : [];
  const kind = Array.isArray(facets.kind) ? facets.kind : [];
  if (division.length || state.division) {
    groups.push(facetGroup('課', 'division', division, state, (v) => v, 'すべての課'));
  }
  if (kind.length || state.kind) {
    groups.push(facetGroup('項目', 'kind', kind, state, (v) => kindLabel(v), 'すべての項目'));
  }
  if (!groups.length) return null;
  return h('nav', { class: 'facets', id: 'facets', 'aria-label': '絞り込み' }, groups);
}

function facetGroup(title, key, values, state, label, allLabel) {
  const list = h('ul', { class: 'facet-list' });
  list.append(h('li', {}, navLink({ ...state, [key]: '', offset: 0 },
    { 'aria-current': state[key] ? null : 'true' }, h('span', {}, allLabel))));
  const seen = new Set();
  for (const f of values) {
    if (!f || f.value === undefined || f.value === null || f.value === '') continue;
    const v = String(f.value);
    seen.add(v);
    list.append(h('li', {}, navLink({ ...state, [key]: v, offset: 0 },
      { 'aria-current': state[key] === v ? 'true' : null },
      h('span', {}, label(v)),
      h('span', { class: 'count' }, h('span', { class: 'visually-hidden' }, '、'), String(f.count ?? ''), '件'))));
  }
  // A filter from a shared URL stays visible even when the server lists no count for it.
  if (state[key] && !seen.has(state[key])) {
    list.append(h('li', {}, navLink(state, { 'aria-current': 'true' }, h('span', {}, label(state[key])))));
  }
  return h('div', { class: 'facet-group' }, h('h2', {}, title + 'で絞り込む'), list);
}

function pager(state, total) {
  const pages = Math.ceil(total / LIMIT);
  if (pages <= 1) return null;
  const page = Math.floor(state.offset / LIMIT);
  const items = [];
  const at = (i) => ({ ...state, offset: i * LIMIT });
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

function noResults(state, hasFilter) {
  const tips = [];
  if (hasFilter) {
    tips.push(h('li', {}, '絞り込みを外すと見つかるかもしれません：',
      navLink({ q: state.q, division: '', kind: '', project: '', offset: 0 }, {}, '絞り込みを解除して検索')));
  }
  const words = state.q.split(/[\s\u3000]+/).filter(Boolean);
  if (words.length > 1) {
    const links = [];
    words.forEach((w, i) => {
      const rest = words.filter((_, j) => j !== i).join(' ');
      if (links.length) links.push('、');
      links.push(navLink({ q: rest, division: '', kind: '', project: '', offset: 0 }, {}, '「' + rest + '」'));
    });
    tips.push(h('li', {}, '言葉を減らしてみてください：', links));
  } else {
    tips.push(h('li', {}, '言葉を短くするか、別の言葉で検索してみてください。'));
  }
  tips.push(h('li', {}, '別の書き方も試してください（漢字・ひらがな・カタカナ、例：「ふるさと」と「故郷」）。'));
  tips.push(h('li', {}, h('a', { href: '/' }, '事業の一覧'), 'から探すこともできます。'));
  return h('div', { class: 'notice info' },
    h('p', {}, h('strong', {}, '「', state.q, '」に一致する情報は見つかりませんでした。')),
    h('ul', {}, tips));
}

// With no query the page offers every project, grouped by 課, as a way in.
async function showIndex(signal) {
  status.textContent = '';
  let data;
  try {
    data = await api('/api/v1/projects', { signal });
  } catch (err) {
    if (signal.aborted) return;
    replaceChildren(area, errorNotice(err, '事業の一覧を読み込めませんでした。'));
    return;
  }
  if (signal.aborted) return;
  const projects = Array.isArray(data.projects) ? data.projects : [];
  const byDivision = new Map();
  for (const p of projects) {
    const key = p.division || 'その他';
    if (!byDivision.has(key)) byDivision.set(key, []);
    byDivision.get(key).push(p);
  }
  const nodes = [h('h2', {}, '事業の一覧'),
    h('p', { class: 'lead' }, '市の重要度が高い事務事業です。事業名を選ぶと、目的・目標・現状・課題・事業内容を読めます。')];
  const grid = h('div', { class: 'division-grid' });
  for (const [division, list] of byDivision) {
    grid.append(h('section', { class: 'division-card' },
      h('h3', {}, division),
      h('ul', {}, list.map((p) => h('li', {}, h('a', { href: projectHref(p.id) }, p.name || p.id))))));
  }
  nodes.push(grid);
  if (!projects.length) nodes.push(h('p', {}, '登録されている事業はありません。'));
  replaceChildren(area, nodes);
}

load(readState(), { focusResults: false });
