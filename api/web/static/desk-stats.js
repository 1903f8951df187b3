// 集計 page (/desk/stats?from=&to=): counts by 課, month, status and channel, the backlog, the
// shares and how good koe's suggestions were. Each chart is SVG drawn with DOM calls (no
// library, nothing inline for the CSP) and has its numbers in a table beside it.
import { h, replaceChildren, errorNotice, ApiError } from './common.js';
import { startDesk, deskApi, announcer, statusLabel, channelLabel, percent, DESK_NAME } from './desk-common.js';

const SVG = 'http://www.w3.org/2000/svg';
const form = document.getElementById('range-form');
const from = document.getElementById('r-from');
const to = document.getElementById('r-to');
const area = document.getElementById('stats-area');
const announce = announcer(document.getElementById('status'));

let chartSeq = 0;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function readRange(search = location.search) {
  const p = new URLSearchParams(search);
  return { from: p.get('from') || '', to: p.get('to') || '' };
}

function urlFor(range) {
  const p = new URLSearchParams();
  if (range.from) p.set('from', range.from);
  if (range.to) p.set('to', range.to);
  const q = p.toString();
  return q ? '/desk/stats?' + q : '/desk/stats';
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const range = { from: from.value, to: to.value };
  if (range.from && range.to && range.from > range.to) {
    replaceChildren(area, h('div', { class: 'notice error', role: 'alert' }, h('p', {}, '「から」が「まで」より後になっています。')));
    from.focus();
    return;
  }
  history.pushState(null, '', urlFor(range));
  load(range);
});

document.getElementById('range-reset').addEventListener('click', (ev) => {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  ev.preventDefault();
  history.pushState(null, '', '/desk/stats');
  load({ from: '', to: '' });
});

window.addEventListener('popstate', () => load(readRange()));

async function load(range) {
  from.value = range.from;
  to.value = range.to;
  area.setAttribute('aria-busy', 'true');
  let data;
  try {
    data = await deskApi('/api/v1/stats?' + new URLSearchParams(Object.entries(range).filter(([, v]) => v)).toString());
  } catch (err) {
    area.removeAttribute('aria-busy');
    const lead = err instanceof ApiError && err.status === 400 ? 'この期間では集計できませんでした。日付を見直してください。' : '集計を読み込めませんでした。';
    replaceChildren(area, errorNotice(err, lead));
    return;
  }
  area.removeAttribute('aria-busy');
  render(data, range);
}

function rangeText(range) {
  if (!range.from && !range.to) return '全期間';
  return (range.from || '最初') + ' 〜 ' + (range.to || '最新');
}

function render(d, range) {
  chartSeq = 0;
  const total = Number(d.total) || 0;
  const acc = d.accuracy || {};
  // A share of nothing is no figure: "—", not 0%.
  const suggested = Number(d.suggested) || 0;
  const confirmed = Number(acc.confirmed) || 0;
  const rows = (list, label = (c) => c.label || c.key || '（未振り分け）') => (Array.isArray(list) ? list : [])
    .map((c) => ({ label: label(c), value: Number(c.count) || 0 }));

  const summary = h('dl', { class: 'summary' },
    card('受付件数', total.toLocaleString('ja-JP') + '件'),
    card('対象外の見込み', suggested ? percent(d.out_of_scope_share) : '—', 'koe が提案した ' + suggested + '件のうち'),
    card('確信度「低」', suggested ? percent(d.low_confidence_share) : '—', 'koe が提案した ' + suggested + '件のうち'),
    card('提案の1位が正解', confirmed ? percent(acc.first_share) : '—', '職員が確定した ' + confirmed + '件のうち'),
    card('上位3件に正解', confirmed ? percent(acc.top3_share) : '—', '職員が確定した ' + confirmed + '件のうち'));

  const byStatus = (Array.isArray(d.by_status) ? d.by_status : []).map((c) => ({ label: statusLabel(c.key), value: Number(c.count) || 0 }));
  const overdueDays = Number(d.overdue_days) || 0;
  const nodes = [
    h('p', { class: 'lead' }, '期間：', rangeText(range)),
    summary,
    h('div', { class: 'charts' },
      chart('課別の件数', '課', rows(d.by_division), { bars: 'h' }),
      chart('月別の件数', '月', rows(d.by_month, (c) => monthLabel(c.key)), { bars: 'v' }),
      chart('状態別の件数', '状態', byStatus, { bars: 'h' }),
      chart('滞留：受付から' + overdueDays + '日を過ぎて回答のないご意見（課別）', '課', rows(d.overdue_by_division), {
        bars: 'h', cls: 'overdue', empty: '滞留しているご意見はありません。',
      }),
      chart('受付方法別の件数', '受付方法', rows(d.by_channel, (c) => channelLabel(c.key)), { bars: 'h' }),
      chart('提案の正確さと割合', '項目', [
        { label: '提案の1位が職員の確定と一致', value: Number(acc.first_share) || 0 },
        { label: '職員の確定が提案の上位3件に含まれる', value: Number(acc.top3_share) || 0 },
        { label: '対象外の見込み', value: Number(d.out_of_scope_share) || 0 },
        { label: '確信度「低」', value: Number(d.low_confidence_share) || 0 },
      ], { bars: 'h', share: true })),
  ];
  replaceChildren(area, nodes);
  document.title = '集計（' + rangeText(range) + '） - ' + DESK_NAME;
  announce('集計しました。受付件数は' + total + '件です。');
}

function card(term, value, note) {
  return h('div', { class: 'card' }, h('dt', {}, term), h('dd', {}, h('span', { class: 'figure' }, value),
    note ? h('span', { class: 'hint' }, note) : null));
}

// 2024-04 → 2024年4月
function monthLabel(key) {
  const m = /^(\d{4})-(\d{2})/.exec(String(key || ''));
  return m ? m[1] + '年' + Number(m[2]) + '月' : String(key || '');
}

// A figure: the chart (SVG, named by the caption) and the same numbers as a table.
function chart(title, head, rows, { bars, share = false, cls = '', empty = 'この期間のご意見はありません。' }) {
  const id = 'chart-' + (++chartSeq);
  const caption = h('figcaption', { id: id + '-caption' }, title);
  const fmt = (v) => (share ? percent(v) : v.toLocaleString('ja-JP') + '件');
  if (!rows.length) {
    return h('figure', { class: 'chart ' + cls, 'aria-labelledby': id + '-caption' }, caption, h('p', { class: 'hint' }, empty));
  }
  const sum = rows.reduce((a, r) => a + r.value, 0);
  const svg = bars === 'v' ? columnChart(rows) : barChart(rows, fmt, share);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', id + '-caption');
  svg.setAttribute('class', 'chart-svg ' + cls);
  const table = h('table', { class: 'chart-table' },
    h('caption', { class: 'visually-hidden' }, title + '（表）'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, head), h('th', { scope: 'col' }, share ? '割合' : '件数'),
      share ? null : h('th', { scope: 'col' }, '割合'))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r.label),
      h('td', {}, fmt(r.value)),
      share ? null : h('td', {}, sum ? percent(r.value / sum) : '—')))));
  return h('figure', { class: 'chart ' + cls, 'aria-labelledby': id + '-caption' }, caption,
    h('div', { class: 'chart-body' }, h('div', { class: 'chart-draw' }, svg), table));
}

// Horizontal bars, one row each: the label above its bar, the number after it. Widths are
// percentages of the drawing, so the chart fits any width without redrawing.
function barChart(rows, fmt, share) {
  const rowH = 38;
  const max = share ? 1 : Math.max(1, ...rows.map((r) => r.value));
  const svg = s('svg', { width: '100%', height: rows.length * rowH + 4, focusable: 'false' });
  rows.forEach((r, i) => {
    const y = i * rowH;
    const w = (r.value / max) * 80;
    svg.append(
      s('text', { x: 0, y: y + 14, class: 'label' }, r.label),
      s('rect', { x: 0, y: y + 19, width: Math.max(w, r.value ? 0.5 : 0) + '%', height: 14, rx: 2, class: 'bar' }),
      s('text', { x: w + '%', dx: 6, y: y + 31, class: 'value' }, fmt(r.value)));
  });
  return svg;
}

// Columns, one per month, the number above each.
function columnChart(rows) {
  const top = 22;
  const plot = 150;
  const below = 40;
  const n = rows.length;
  const slot = 100 / n;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = s('svg', { width: '100%', height: top + plot + below, focusable: 'false' });
  svg.append(s('line', { x1: 0, x2: '100%', y1: top + plot, y2: top + plot, class: 'axis' }));
  const every = n > 12 ? Math.ceil(n / 12) : 1;
  rows.forEach((r, i) => {
    const bh = (r.value / max) * plot;
    const cx = (i + 0.5) * slot + '%';
    svg.append(
      s('rect', { x: (i + 0.15) * slot + '%', y: top + plot - bh, width: slot * 0.7 + '%', height: bh, rx: 2, class: 'bar' }),
      s('text', { x: cx, y: top + plot - bh - 6, class: 'value', 'text-anchor': 'middle' }, String(r.value)));
    if (i % every === 0) {
      const m = /^(\d{4})年(\d+)月$/.exec(r.label);
      svg.append(s('text', { x: cx, y: top + plot + 16, class: 'label', 'text-anchor': 'middle' }, m ? m[2] + '月' : r.label));
      if (m && (i === 0 || m[2] === '1')) {
        svg.append(s('text', { x: cx, y: top + plot + 33, class: 'label minor', 'text-anchor': 'middle' }, m[1] + '年'));
      }
    }
  });
  return svg;
}

async function main() {
  const session = await startDesk();
  if (!session) return;
  load(readRange());
}

main();
