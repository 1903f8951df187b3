// ご意見 page (/desk/voices/{id}): one voice, koe's suggestion with its evidence, the steps its
// status allows, and its history. Every change sends the version this page showed; a 409
// means someone else changed the voice meanwhile, and the page says what changed.
import { api, h, replaceChildren, errorNotice, projectHref, ApiError } from './common.js';
import {
  startDesk, deskApi, loadDivisions, announcer, statusBadge, statusLabel, confidenceBadge, channelLabel, dateJa,
  dateTimeJa, routeText, matchList, mayMove, mayRoute, mayAnswer, isDivisionUser, actionLabel, DESK_NAME,
} from './desk-common.js';

const area = document.getElementById('voice-area');
const heading = document.getElementById('voice-heading');
const message = document.getElementById('message');
const announce = announcer(document.getElementById('status'));

const idText = decodeURIComponent(location.pathname.replace(/^\/desk\/voices\//, '').replace(/\/$/, ''));
const voicePath = '/api/v1/voices/' + encodeURIComponent(idText);

let user = null;
let voice = null;
let busy = false;
let projects = null; // GET /api/v1/projects, once
let divisions = [];

function showMessage(node) {
  replaceChildren(message, node);
}

async function fetchVoice() {
  return deskApi(voicePath);
}

async function fetchHistory() {
  const data = await deskApi(voicePath + '/history');
  return Array.isArray(data.history) ? data.history : [];
}

// Typed but unsent text survives a re-render (after a change, or a reload after a 409).
function draft() {
  const get = (id) => { const el = document.getElementById(id); return el ? el.value : ''; };
  return { note: get('note'), answer: get('answer-text'), referral: get('referral') };
}

async function change(body, done) {
  if (busy) return;
  busy = true;
  for (const b of area.querySelectorAll('button')) b.disabled = true;
  const typed = draft();
  const note = typed.note.trim();
  const payload = { version: voice.version, ...body };
  if (note) payload.note = note;
  try {
    const updated = await deskApi(voicePath, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const history = await fetchHistory().catch(() => null);
    showMessage(null);
    render(updated, history, { ...typed, note: '', answer: body.answer !== undefined ? '' : typed.answer });
    announce(done + '。状態は「' + statusLabel(updated.status) + '」です。');
    const ok = h('div', { class: 'notice ok', tabindex: '-1', id: 'change-done' },
      h('p', {}, done + '。', '状態：', statusLabel(updated.status), '／振り分け：', routeText(updated.route)));
    showMessage(ok);
    ok.focus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      await conflict(typed);
    } else {
      const lead = err instanceof ApiError && err.status === 403
        ? 'この操作をする権限がありません。'
        : err instanceof ApiError && err.status === 400 ? 'この操作はできませんでした。' : '変更できませんでした。';
      const notice = errorNotice(err, lead);
      showMessage(notice);
      for (const b of area.querySelectorAll('button')) b.disabled = false;
    }
  } finally {
    busy = false;
  }
}

// Someone else changed the voice: say what, and offer the latest version. Nothing typed is lost.
async function conflict(typed) {
  let fresh = null;
  let history = null;
  try {
    [fresh, history] = await Promise.all([fetchVoice(), fetchHistory()]);
  } catch (e) {
    // Shown without the details below.
  }
  const changes = [];
  if (fresh) {
    if (fresh.status !== voice.status) changes.push('状態：' + statusLabel(voice.status) + ' → ' + statusLabel(fresh.status));
    if (routeText(fresh.route) !== routeText(voice.route)) changes.push('振り分け：' + routeText(voice.route) + ' → ' + routeText(fresh.route));
    if ((fresh.answer || '') !== (voice.answer || '')) changes.push('回答が変わりました');
    const last = history && history.length ? history[history.length - 1] : null;
    if (last) {
      changes.push('直近の変更：' + dateTimeJa(last.at) + '　' + (last.actor || '') + '　「' + actionLabel(last.action) + '」' +
        (last.note ? '　メモ：' + last.note : ''));
    }
  }
  const reload = h('button', { type: 'button' }, '最新の内容を読み込む');
  reload.addEventListener('click', () => {
    showMessage(null);
    render(fresh, history, typed);
    announce('最新の内容を読み込みました。もう一度操作してください。');
    heading.focus();
  });
  const notice = h('div', { class: 'notice error conflict', tabindex: '-1' },
    h('h2', {}, 'ほかの人がこのご意見を変更しました'),
    h('p', {}, 'このページを開いた後に変更されたため、今の操作は記録していません。最新の内容を読み込んでから、もう一度操作してください。入力中のメモや回答は消えません。'),
    changes.length ? h('ul', { 'aria-label': '変更された点' }, changes.map((c) => h('li', {}, c))) : null,
    fresh ? reload : h('p', {}, 'ページを再読み込みしてください。'));
  showMessage(notice);
  for (const b of area.querySelectorAll('button')) b.disabled = false;
  notice.focus();
}

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function render(v, history, typed = {}) {
  voice = v;
  const label = v.external_id ? '受付番号 ' + v.external_id : '管理番号 ' + v.id;
  heading.textContent = 'ご意見（' + label + '）';
  document.title = 'ご意見（' + label + '） - ' + DESK_NAME;

  const facts = h('dl', { class: 'facts' },
    fact('受付番号', v.external_id || '（なし）'),
    fact('受付日', dateJa(v.received_at)),
    fact('受付方法', channelLabel(v.channel)),
    fact('状態', statusBadge(v.status, v.status_label)),
    fact('振り分け', routeText(v.route), v.route && v.route.project_id
      ? [' ', h('a', { href: projectHref(v.route.project_id) }, '事業を見る')] : null),
    v.decided_by ? fact('決定', v.decided_by, v.decided_at ? '（' + dateTimeJa(v.decided_at) + '）' : '')
      : v.decision === 'import' ? fact('決定', '取り込んだ記録のとおり') : null,
    v.answered_at ? fact('回答日', dateJa(v.answered_at)) : null,
    v.published_at ? fact('公開日', dateJa(v.published_at)) : null,
    fact('管理番号', String(v.id), h('span', { class: 'hint inline' }, '（版 ', String(v.version), '）')));

  const text = v.text !== null && v.text !== undefined
    ? [h('p', { class: 'voice-text', id: 'voice-text' }, v.text),
      h('details', { class: 'masked' }, h('summary', {}, '課に見える本文（個人情報を伏せたもの）'),
        h('p', { class: 'voice-text' }, v.text_masked || ''))]
    : [h('p', { class: 'hint' }, '個人情報（氏名・住所・電話番号など）は伏せてあります。'),
      h('p', { class: 'voice-text', id: 'voice-text' }, v.text_masked || '')];

  const left = h('div', { class: 'voice-main' },
    h('section', { 'aria-labelledby': 'text-heading' }, h('h2', { id: 'text-heading' }, '本文'), text),
    h('section', { 'aria-labelledby': 'facts-heading' }, h('h2', { id: 'facts-heading' }, '受付の記録'), facts),
    answerView(v),
    suggestionSection(v));
  const right = h('div', { class: 'voice-side' }, actionsSection(v, typed), historySection(history));
  replaceChildren(area, h('div', { class: 'voice-layout' }, left, right));
}

function answerView(v) {
  if (!v.answer) return null;
  return h('section', { 'aria-labelledby': 'answer-heading' },
    h('h2', { id: 'answer-heading' }, '回答'), h('p', { class: 'voice-text' }, v.answer));
}

function suggestionSection(v) {
  const s = v.suggestion;
  const nodes = [h('h2', { id: 'suggestion-heading' }, 'koe の提案')];
  if (!s) {
    nodes.push(h('p', {}, 'このご意見には koe の提案がありません。'));
    return h('section', { 'aria-labelledby': 'suggestion-heading' }, nodes);
  }
  const matches = Array.isArray(s.matches) ? s.matches.filter((m) => m && m.project) : [];
  const canRoute = mayRoute(user, v.status);
  const pick = canRoute ? (m) => routeTo({ project_id: m.project.id }, m.project.name) : null;
  const pickLabel = v.status === 'new' ? 'この事業で確定' : 'この事業に変更';
  if (s.out_of_scope || !s.route) {
    nodes.push(h('div', { class: 'notice warn' },
      h('p', {}, h('strong', {}, 'koe は、このご意見を現在の計画のどの事業にも当てはまらない（対象外の見込み）としました。')),
      h('p', {}, '内容を確かめ、対象外として閉じるか、下の「対応」で振り分け先を選んでください。')));
    if (s.referral) nodes.push(referralBox(s.referral, v));
    if (Array.isArray(s.similar) && s.similar.length) nodes.push(similarSection(s.similar));
    if (matches.length) {
      nodes.push(h('section', { class: 'weak', 'aria-labelledby': 'weak-heading' },
        h('h3', { id: 'weak-heading' }, '参考：関係の薄い候補'), matchList(matches, { pick, pickLabel })));
    }
    return h('section', { 'aria-labelledby': 'suggestion-heading' }, nodes);
  }
  const top = matches.find((m) => m.project.id === s.route.project_id) || matches[0];
  const box = h('div', { class: 'notice ok route' },
    h('p', {}, '担当の課：', h('span', { class: 'division-name' }, s.route.division || '（不明）'),
      s.route.department ? h('span', {}, '（', s.route.department, '）') : null),
    h('p', {}, '主に関係する事業：', h('a', { href: projectHref(s.route.project_id) }, s.route.project || s.route.project_id),
      top ? [' ', confidenceBadge(top.confidence)] : null));
  if (v.status === 'new' && !isDivisionUser(user)) {
    const confirm = h('button', { type: 'button', id: 'confirm-suggestion' }, 'この振り分けで確定');
    confirm.addEventListener('click', () => change({ route: { project_id: s.route.project_id }, status: 'confirmed' }, '振り分けを確定しました'));
    const forward = h('button', { type: 'button', class: 'secondary' }, '確定して担当課へ回付');
    forward.addEventListener('click', () => change({ route: { project_id: s.route.project_id }, status: 'forwarded' }, '振り分けを確定し、担当課へ回付しました'));
    box.append(h('div', { class: 'actions' }, confirm, forward));
  }
  nodes.push(box);
  if (matches.length) {
    nodes.push(h('h3', { class: 'matches-heading' }, '関係する事業（関係の強い順）'),
      matchList(matches, { pick, pickLabel }));
  }
  if (Array.isArray(s.similar) && s.similar.length) nodes.push(similarSection(s.similar));
  return h('section', { 'aria-labelledby': 'suggestion-heading' }, nodes);
}

// The other body koe found the voice belongs to, with the words that say so; a clerk may
// refer it there in one click.
function referralBox(referral, v) {
  const box = h('div', { class: 'notice referral', id: 'referral-guide' },
    h('p', {}, '担当窓口のご案内：', h('strong', {}, referral.body)),
    h('p', {}, referral.reason),
    Array.isArray(referral.terms) && referral.terms.length
      ? h('p', { class: 'hint' }, '手がかりの語：', referral.terms.join('、')) : null);
  if (mayMove(user, v.status, 'referred')) {
    box.append(h('div', { class: 'actions' },
      button(referral.body + 'へ移送', () => change({ route: { referral: referral.body }, status: 'referred' }, referral.body + 'へ移送しました'))));
  }
  return box;
}

// Past voices like this one and how they were handled; a near copy is marked 重複の可能性.
function similarSection(similar) {
  const list = h('ul', { class: 'similar-list', 'aria-label': '似た過去のご意見' });
  for (const s of similar) {
    const where = s.route ? (s.route.project || s.route.division || '') : '対象外・他機関';
    list.append(h('li', {},
      h('a', { href: '/desk/voices/' + encodeURIComponent(s.id) }, '#' + s.id),
      ' ', s.duplicate ? h('strong', { class: 'duplicate' }, '重複の可能性') : null,
      ' 類似度 ', Math.round(s.similarity * 100) + '%',
      '：', where, '（', statusLabel(s.status), '）',
      h('p', { class: 'similar-text' }, String(s.text_masked || '').slice(0, 120))));
  }
  return h('section', { class: 'similar', 'aria-labelledby': 'similar-heading' },
    h('h3', { id: 'similar-heading' }, '似た過去のご意見'), list);
}

// Route the voice: on a new voice this confirms; on a confirmed one it changes the route.
function routeTo(route, name) {
  if (voice.status === 'new') return change({ route, status: 'confirmed' }, '「' + name + '」に振り分けて確定しました');
  return change({ route }, '振り分けを「' + name + '」に変更しました');
}

function button(label, onClick, cls = 'secondary') {
  const b = h('button', { type: 'button', class: cls }, label);
  b.addEventListener('click', onClick);
  return b;
}

function actionsSection(v, typed) {
  const s = v.status;
  const groups = [];
  const note = h('div', { class: 'field' },
    h('label', { for: 'note' }, 'メモ（任意）'),
    h('span', { class: 'hint', id: 'note-hint' }, '下のどの操作にも添えて履歴に残ります。'),
    h('textarea', { id: 'note', rows: '2', 'aria-describedby': 'note-hint' }));
  note.querySelector('textarea').value = typed.note || '';

  if (mayRoute(user, s)) groups.push(routeGroup(v));

  const steps = [];
  if (mayMove(user, s, 'forwarded') && v.route && v.route.division) {
    steps.push(button('担当課（' + v.route.division + '）へ回付', () => change({ status: 'forwarded' }, '担当課へ回付しました'), ''));
  }
  if (mayMove(user, s, 'confirmed') && s === 'forwarded') {
    steps.push(button('広聴課へ差し戻す', () => change({ status: 'confirmed' }, '広聴課へ差し戻しました')));
  }
  if (mayMove(user, s, 'published')) steps.push(button('公開する', () => change({ status: 'published' }, '公開しました'), ''));
  if (mayMove(user, s, 'answered') && s === 'published') {
    steps.push(button('公開を取り消す', () => change({ status: 'answered' }, '公開を取り消しました')));
  }
  if (mayMove(user, s, 'out_of_scope')) {
    steps.push(button('対象外として閉じる', () => change({ status: 'out_of_scope' }, '対象外として閉じました')));
  }
  if (mayMove(user, s, 'new')) steps.push(button('受付に戻す', () => change({ status: 'new' }, '受付に戻しました')));
  if (steps.length) groups.push(h('div', { class: 'action-group' }, h('h3', {}, '進める'), h('div', { class: 'actions' }, steps)));

  if (mayAnswer(user, s)) groups.push(answerGroup(v, typed));

  if (mayMove(user, s, 'referred')) {
    const input = h('input', { type: 'text', id: 'referral', autocomplete: 'off', 'aria-describedby': 'referral-hint' });
    input.value = typed.referral || '';
    const err = h('p', { class: 'field-error', id: 'referral-error', hidden: true });
    const go = button('他機関へ移送', () => {
      const body = input.value.trim();
      if (!body) {
        err.textContent = '移送先を入力してください。';
        err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', 'referral-hint referral-error');
        input.focus();
        return;
      }
      change({ route: { referral: body }, status: 'referred' }, '「' + body + '」へ移送しました');
    });
    groups.push(h('div', { class: 'action-group' }, h('h3', {}, '他機関へ移送'),
      h('div', { class: 'field' },
        h('label', { for: 'referral' }, '移送先'),
        h('span', { class: 'hint', id: 'referral-hint' }, '例：東京都、国土交通省、警察署'),
        h('div', { class: 'search-row' }, input, go), err)));
  }

  groups.push(h('div', { class: 'action-group' },
    h('div', { class: 'actions' }, button('メモだけ記録する', () => {
      if (!document.getElementById('note').value.trim()) {
        showMessage(h('div', { class: 'notice warn' }, h('p', {}, 'メモを入力してください。')));
        document.getElementById('note').focus();
        return;
      }
      change({}, 'メモを記録しました');
    }))));

  return h('section', { class: 'actions-panel', 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading' }, '対応'),
    h('p', { class: 'hint' }, '今の状態：', statusBadge(s, v.status_label)),
    note, groups);
}

function answerGroup(v, typed) {
  const s = v.status;
  const area_ = h('textarea', { id: 'answer-text', rows: '5', 'aria-describedby': 'answer-hint' });
  area_.value = typed.answer || v.answer || '';
  const err = h('p', { class: 'field-error', id: 'answer-error', hidden: true });
  const need = () => {
    if (area_.value.trim()) return true;
    err.textContent = '回答を入力してください。';
    err.hidden = false;
    area_.setAttribute('aria-invalid', 'true');
    area_.setAttribute('aria-describedby', 'answer-hint answer-error');
    area_.focus();
    return false;
  };
  const actions = [];
  if (mayMove(user, s, 'answered') && (s === 'confirmed' || s === 'forwarded')) {
    actions.push(button('回答して回答済にする', () => {
      if (need()) change({ answer: area_.value, status: 'answered' }, '回答を記録しました');
    }, ''));
  }
  if (s === 'answered' || s === 'published' || (v.answer && (s === 'confirmed' || s === 'forwarded'))) {
    actions.push(button(v.answer ? '回答を修正する' : '回答を下書きとして保存', () => {
      if (need()) change({ answer: area_.value }, '回答を保存しました');
    }));
  } else if (s === 'confirmed' || s === 'forwarded') {
    actions.push(button('下書きとして保存', () => {
      if (need()) change({ answer: area_.value }, '回答の下書きを保存しました');
    }));
  }
  if (!actions.length) return null;
  return h('div', { class: 'action-group' }, h('h3', {}, '回答を書く'),
    h('div', { class: 'field' },
      h('label', { for: 'answer-text' }, '回答の文'),
      h('span', { class: 'hint', id: 'answer-hint' }, '市民の方へお返しする回答です。公開すると、ご意見（個人情報を伏せたもの）とともに公開されます。'),
      area_, err),
    h('div', { class: 'actions' }, actions));
}

// Another project (search as you type over every project) or only a 課.
function routeGroup(v) {
  const verb = v.status === 'new' ? 'で確定' : 'に変更';
  const input = h('input', {
    type: 'text', id: 'project-search', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': 'project-options', 'aria-describedby': 'project-hint',
  });
  const listbox = h('ul', { id: 'project-options', role: 'listbox', class: 'options', 'aria-label': '事業の候補', hidden: true });
  const count = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const chosen = h('p', { class: 'chosen', id: 'project-chosen' }, '事業を選んでいません。');
  const go = button('選んだ事業' + verb, () => {
    if (!picked) {
      chosen.textContent = '先に事業を選んでください。';
      input.focus();
      return;
    }
    routeTo({ project_id: picked.id }, picked.name);
  }, '');
  let picked = null;
  let shown = [];
  let active = -1;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const setActive = (i) => {
    active = i;
    [...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
    if (i >= 0 && listbox.children[i]) {
      input.setAttribute('aria-activedescendant', listbox.children[i].id);
      listbox.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const choose = (p) => {
    picked = p;
    input.value = p.name;
    replaceChildren(chosen, '選んだ事業：', h('strong', {}, p.name), '（', p.division || '', '）');
    close();
  };
  const update = async () => {
    const all = await loadProjects();
    const q = normalize(input.value);
    picked = picked && picked.name === input.value ? picked : null;
    if (!picked) chosen.textContent = '事業を選んでいません。';
    if (!q) {
      close();
      count.textContent = '';
      return;
    }
    const words = q.split(/\s+/).filter(Boolean);
    shown = all.filter((p) => words.every((w) => p.key.includes(w))).slice(0, 12);
    replaceChildren(listbox, shown.map((p, i) => {
      const li = h('li', { id: 'project-option-' + i, role: 'option', 'aria-selected': 'false' },
        h('span', { class: 'option-name' }, p.name), h('span', { class: 'option-division' }, p.division || ''));
      li.addEventListener('mousedown', (ev) => ev.preventDefault());
      li.addEventListener('click', () => choose(p));
      return li;
    }));
    listbox.hidden = !shown.length;
    input.setAttribute('aria-expanded', shown.length ? 'true' : 'false');
    active = -1;
    input.removeAttribute('aria-activedescendant');
    count.textContent = shown.length ? '候補 ' + shown.length + '件。上下の矢印キーで選べます。' : '一致する事業はありません。';
  };
  input.addEventListener('input', update);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && shown.length) {
      ev.preventDefault();
      if (listbox.hidden) { listbox.hidden = false; input.setAttribute('aria-expanded', 'true'); }
      setActive(Math.min(active + 1, shown.length - 1));
    } else if (ev.key === 'ArrowUp' && shown.length) {
      ev.preventDefault();
      setActive(Math.max(active - 1, 0));
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (!listbox.hidden && active >= 0) choose(shown[active]);
      else if (!listbox.hidden && shown.length === 1) choose(shown[0]);
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));

  const select = h('select', { id: 'division-pick' }, h('option', { value: '' }, '課を選んでください'),
    divisions.map((d) => h('option', { value: d.division }, d.division + (d.department ? '（' + d.department + '）' : ''))));
  const goDivision = button('選んだ課' + verb, () => {
    if (!select.value) {
      select.focus();
      return;
    }
    routeTo({ division: select.value }, select.value);
  });

  return h('div', { class: 'action-group' },
    h('h3', {}, '振り分け先を選ぶ'),
    h('p', { class: 'hint' }, '今の振り分け：', routeText(v.route)),
    h('div', { class: 'field combo' },
      h('label', { for: 'project-search' }, '別の事業を探す'),
      h('span', { class: 'hint', id: 'project-hint' }, '事業名や課の名前の一部を入力すると候補が出ます。'),
      input, listbox, count, chosen, h('div', { class: 'actions' }, go)),
    h('div', { class: 'field' },
      h('label', { for: 'division-pick' }, '事業を決めず、課だけを決める'),
      h('div', { class: 'search-row' }, select, goDivision)));
}

function normalize(text) {
  return String(text || '').normalize('NFKC').toLowerCase().replace(/[\u3000]/g, ' ').trim();
}

async function loadProjects() {
  if (!projects) {
    try {
      const data = await api('/api/v1/projects');
      projects = (data.projects || []).map((p) => ({
        ...p, key: normalize([p.name, p.division, p.department, p.id].join(' ')),
      }));
    } catch (e) {
      projects = null;
      return [];
    }
  }
  return projects;
}

function historySection(history) {
  const nodes = [h('h2', { id: 'history-heading' }, '履歴')];
  if (!history) {
    nodes.push(h('p', { class: 'hint' }, '履歴を読み込めませんでした。'));
  } else if (!history.length) {
    nodes.push(h('p', {}, '履歴はまだありません。'));
  } else {
    nodes.push(h('ol', { class: 'timeline', id: 'history', 'aria-label': '履歴（古い順）' }, history.map((e) => {
      const lines = [];
      if (e.from_status && e.from_status !== e.to_status) {
        lines.push(h('li', {}, '状態：', statusLabel(e.from_status), ' → ', statusLabel(e.to_status)));
      } else if (!e.from_status) {
        lines.push(h('li', {}, '状態：', statusLabel(e.to_status)));
      }
      if (e.route_before || e.route_after) {
        const before = routeText(e.route_before);
        const after = routeText(e.route_after);
        if (before !== after) lines.push(h('li', {}, '振り分け：', before, ' → ', after));
      }
      if (e.answer) lines.push(h('li', {}, '回答：', e.answer));
      if (e.note) lines.push(h('li', { class: 'note' }, 'メモ：', e.note));
      return h('li', { class: 'event' },
        h('p', { class: 'event-head' },
          h('strong', {}, actionLabel(e.action)), ' ',
          h('time', { datetime: String(e.at || '') }, dateTimeJa(e.at)), ' ',
          h('span', { class: 'actor' }, e.actor || '')),
        lines.length ? h('ul', { class: 'event-lines' }, lines) : null);
    })));
  }
  return h('section', { class: 'history', 'aria-labelledby': 'history-heading' }, nodes);
}

async function main() {
  const session = await startDesk();
  if (!session) return;
  user = session.user;
  let v;
  let history;
  try {
    [v, history] = await Promise.all([fetchVoice(), fetchHistory().catch(() => null), loadDivisions().then((d) => { divisions = d; })]);
  } catch (err) {
    const lead = err instanceof ApiError && err.status === 404 ? 'このご意見は見つかりませんでした（番号が違うか、見る権限がありません）。' : 'ご意見を読み込めませんでした。';
    replaceChildren(area, errorNotice(err, lead), h('p', {}, h('a', { href: '/desk' }, '受付一覧へ戻る')));
    return;
  }
  render(v, history);
}

main();
