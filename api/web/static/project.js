// 事業 page: /projects/{id} shows one project in full, then the projects related to it.
import {
  api, h, kindLabel, projectHref, errorNotice, replaceChildren, shownTerms, SITE_NAME,
} from './common.js';

const root = document.getElementById('project');
const crumb = document.getElementById('crumb');

function projectId() {
  const m = location.pathname.match(/^\/projects\/([^/]+)\/?$/);
  if (!m) return '';
  try {
    return decodeURIComponent(m[1]);
  } catch (e) {
    return m[1];
  }
}

async function main() {
  const id = projectId();
  if (!id) {
    done(errorNotice({ status: 404 }, '事業が指定されていません。'), backLink());
    return;
  }
  const base = '/api/v1/projects/' + encodeURIComponent(id);
  // Related projects are a bonus: the page still shows the project if that call fails.
  const [project, related] = await Promise.allSettled([api(base), api(base + '/related')]);
  if (project.status === 'rejected') {
    const err = project.reason;
    const lead = err && err.status === 404
      ? 'お探しの事業は見つかりませんでした。URLをご確認いただくか、検索からお探しください。'
      : '事業を読み込めませんでした。';
    document.title = '事業が見つかりません - ' + SITE_NAME;
    crumb.textContent = '事業が見つかりません';
    done(h('h1', {}, '事業が見つかりません'), errorNotice(err, lead), backLink());
    return;
  }
  render(project.value, related.status === 'fulfilled' ? related.value : null);
}

function done(...nodes) {
  replaceChildren(root, nodes);
  root.removeAttribute('aria-busy');
}

function backLink() {
  return h('p', {}, h('a', { href: '/' }, '検索ページへ戻る'));
}

function present(v) {
  return v !== undefined && v !== null && v !== '';
}

function render(p, related) {
  const name = p.name || '（名称なし）';
  document.title = name + ' - ' + SITE_NAME;
  crumb.textContent = name;

  const facts = h('dl', { class: 'facts' });
  const fact = (term, value) => {
    if (!present(value)) return;
    facts.append(h('dt', {}, term), h('dd', {}, String(value)));
  };
  fact('担当課', p.division);
  fact('部', p.department);
  fact('施策番号', p.policy);
  fact('細施策番号', p.sub_policy);
  fact('細施策名', p.sub_policy_name);
  fact('事業番号', p.number);
  fact('年度', present(p.fiscal_year) ? (/^\d+$/.test(String(p.fiscal_year)) ? p.fiscal_year + '年度' : p.fiscal_year) : null);

  const body = h('div', { class: 'project-body' });
  for (const s of Array.isArray(p.sections) ? p.sections : []) {
    // The 事業名 section repeats the page heading; keep it only if it says something else.
    if (s.kind === 'title' && (s.text || '').trim() === name) continue;
    body.append(section(s));
  }
  if (!body.childNodes.length) body.append(h('p', {}, 'この事業の記載はありません。'));

  const searchHere = h('p', {},
    h('a', { href: '/?' + new URLSearchParams({ q: name }).toString() }, '「', name, '」に関する記述を検索する'));

  const article = h('article', { class: 'project-main', 'aria-labelledby': 'project-title' },
    h('h1', { id: 'project-title' }, name), facts, body,
    // Only the file name: a server-side path means nothing to a reader.
    p.source ? h('p', { class: 'source' }, '出典：', String(p.source).split(/[\\/]/).pop()) : null,
    searchHere);

  done(h('div', { class: 'project-layout' }, article, relatedPanel(related)));
}

function section(s) {
  const label = s.label || kindLabel(s.kind);
  const items = Array.isArray(s.items) ? s.items.filter((x) => present(x)) : [];
  let content;
  if (items.length) {
    // Items in the source often start with their own ・ bullet; the list already draws one.
    content = h('ul', {}, items.map((it) => h('li', {}, String(it).replace(/^[・\s]+/, ''))));
  } else if (present(s.text)) {
    content = String(s.text).split(/\n+/).filter(Boolean).map((para) => h('p', {}, para));
  } else {
    content = h('p', { class: 'hint' }, '記載なし');
  }
  return h('section', { class: 'project-section' }, h('h2', {}, label), h('div', { class: 'section-body' }, content));
}

function relatedPanel(related) {
  const heading = h('h2', { id: 'related-heading' }, '関連する事業');
  const aside = h('aside', { class: 'related', 'aria-labelledby': 'related-heading' }, heading);
  if (!related) {
    aside.append(h('p', { class: 'hint' }, '関連する事業を読み込めませんでした。'));
    return aside;
  }
  const list = Array.isArray(related.related) ? related.related : [];
  if (!list.length) {
    aside.append(h('p', {}, '関連する事業は見つかりませんでした。'));
    return aside;
  }
  aside.append(h('ul', {}, list.filter((r) => r && r.project).map((r) => {
    // The shared words say why a project is related; a few are enough.
    const words = shownTerms(r.terms).slice(0, 4);
    return h('li', {},
      h('a', { href: projectHref(r.project.id) }, r.project.name || r.project.id),
      present(r.project.division) ? h('span', { class: 'division' }, r.project.division) : null,
      words.length ? h('span', { class: 'shared' }, '共通する言葉：', words.join('、')) : null);
  })));
  return aside;
}

main();
