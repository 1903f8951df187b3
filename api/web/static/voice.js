// ご意見の振り分け page: posts a citizen's voice to /api/v1/match and shows the route.
// The text is never put in the URL: a voice may hold personal details.
import {
  api, h, snippetNode, kindLabel, projectHref, errorNotice, replaceChildren, shownTerms,
} from './common.js';

const CONFIDENCE = { high: '高', medium: '中', low: '低' };

const form = document.getElementById('voice-form');
const textarea = document.getElementById('voice-text');
const fieldError = document.getElementById('voice-error');
const submit = document.getElementById('voice-submit');
const clear = document.getElementById('voice-clear');
const out = document.getElementById('voice-result');
const status = document.getElementById('status');

function announce(text) {
  status.textContent = '';
  setTimeout(() => { status.textContent = text; }, 50);
}

function setFieldError(message) {
  if (message) {
    fieldError.textContent = message;
    fieldError.hidden = false;
    textarea.setAttribute('aria-invalid', 'true');
  } else {
    fieldError.textContent = '';
    fieldError.hidden = true;
    textarea.removeAttribute('aria-invalid');
  }
}

textarea.addEventListener('input', () => setFieldError(''));

// Clerks paste and send many voices in a row: Ctrl+Enter (⌘+Enter) sends without the mouse.
textarea.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
    ev.preventDefault();
    form.requestSubmit();
  }
});

clear.addEventListener('click', () => {
  textarea.value = '';
  setFieldError('');
  replaceChildren(out);
  textarea.focus();
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = textarea.value.trim();
  if (!text) {
    setFieldError('ご意見の本文を入力してください。');
    textarea.focus();
    return;
  }
  setFieldError('');
  submit.disabled = true;
  submit.textContent = '調べています…';
  out.setAttribute('aria-busy', 'true');
  replaceChildren(out, h('p', { class: 'loading' }, '関係する事業を調べています…'));
  try {
    const data = await api('/api/v1/match', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, limit: 5 }),
    });
    render(data);
  } catch (err) {
    const lead = err && err.status === 400
      ? 'このご意見は振り分けできませんでした。本文をご確認のうえ、もう一度お試しください。'
      : null;
    replaceChildren(out, errorNotice(err, lead));
    announce(lead || '振り分けできませんでした。');
  } finally {
    submit.disabled = false;
    submit.textContent = '振り分ける';
    out.removeAttribute('aria-busy');
  }
});

function render(data) {
  const matches = Array.isArray(data.matches) ? data.matches.filter((m) => m && m.project) : [];
  const route = data.route || null;
  const outOfScope = Boolean(data.out_of_scope) || (!route && !matches.length);
  const heading = h('h2', { id: 'result-heading', tabindex: '-1' }, '振り分けの結果');
  const nodes = [heading];

  if (outOfScope) {
    nodes.push(h('div', { class: 'notice warn' },
      h('p', {}, h('strong', {}, 'このご意見は、現在の計画のどの事業にも当てはまらないようです。')),
      h('p', {}, '市の組織目標に書かれた事業とは、はっきりした関係が見つかりませんでした。担当の課は、内容を確認のうえ個別に判断してください。')));
    if (data.referral) {
      nodes.push(h('div', { class: 'notice referral', id: 'referral-guide' },
        h('p', {}, '担当窓口のご案内：', h('strong', {}, data.referral.body)),
        h('p', {}, data.referral.reason)));
    }
    if (matches.length) {
      nodes.push(h('section', { class: 'weak', 'aria-labelledby': 'weak-heading' },
        h('h3', { id: 'weak-heading' }, '参考：関係の薄い候補'),
        h('p', { class: 'hint' }, '言葉の一部が重なっただけの可能性があります。'),
        matchList(matches)));
    }
    replaceChildren(out, nodes);
    announce('このご意見は、現在の計画のどの事業にも当てはまらないようです。');
    heading.focus();
    return;
  }

  const top = matches.find((m) => route && m.project.id === route.project_id) || matches[0];
  const division = (route && route.division) || (top && top.project.division) || '';
  const department = (route && route.department) || (top && top.project.department) || '';
  const routeBox = h('div', { class: 'notice ok route' },
    h('p', {}, '担当の課：', h('span', { class: 'division-name' }, division || '（不明）'),
      department ? h('span', {}, '（', department, '）') : null));
  if (top) {
    routeBox.append(h('p', {}, '主に関係する事業：',
      h('a', { href: projectHref(top.project.id) }, top.project.name || top.project.id),
      top.confidence ? h('span', {}, '（確からしさ：', CONFIDENCE[top.confidence] || top.confidence, '）') : null));
  }
  nodes.push(routeBox);
  if (matches.length) {
    nodes.push(h('h3', { class: 'matches-heading' }, '関係する事業（関係の強い順）'), matchList(matches));
  }
  replaceChildren(out, nodes);
  announce('担当の課は' + (division || '不明') + 'です。' + (top ? '主に関係する事業は' + top.project.name + 'です。' : ''));
  heading.focus();
}

function matchList(matches) {
  return h('ol', { class: 'matches' }, matches.map((m) => {
    const p = m.project;
    const conf = CONFIDENCE[m.confidence] || '';
    const head = h('div', { class: 'match-head' },
      h('h4', { class: 'match-title' }, h('a', { href: projectHref(p.id) }, p.name || p.id)),
      conf ? h('span', { class: 'confidence ' + m.confidence }, '確からしさ：' + conf) : null);
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
    return h('li', { class: 'match' }, head, meta, evidence, terms);
  }));
}
