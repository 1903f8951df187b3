// 取り込み page: a city's export (CSV in UTF-8 or Shift_JIS, JSON Lines) is read here first to
// show its first rows and which column koe will take for each field; the clerk may change
// that (→ ?columns=field=column,…), then the file's own bytes go to /api/v1/voices/import.
import { h, replaceChildren, errorNotice, ApiError } from './common.js';
import { startDesk, deskApi, announcer, isDivisionUser } from './desk-common.js';

// desk/src/voice_export.cpp's field_names(): each field and the column names koe recognises,
// as column_key() leaves them, most specific first. The server decides; this only shows it.
const FIELDS = [
  { field: 'external_id', label: '受付番号', aliases: ['externalid', '受付番号', '受付no', '受付no.', '整理番号', '管理番号', 'id', '番号', 'no', 'no.'] },
  { field: 'received_at', label: '受付日', aliases: ['receivedat', '受付日', '受付日時', '受付年月日', '受付日付', '受信日', '受信日時', '日付'] },
  { field: 'channel', label: '受付方法', aliases: ['channel', '受付方法', 'チャネル', 'チャンネル', '受付経路', '受付媒体', '経路', '媒体'] },
  { field: 'text', label: '本文（ご意見）', aliases: ['text', '内容', '本文', '意見', 'ご意見', '意見内容', 'ご意見内容', '提言内容', '意見要旨', '要旨'] },
  { field: 'project_id', label: '事業ID', aliases: ['projectid', '事業id'] },
  { field: 'project_name', label: '事業名', aliases: ['projectname', 'project', '事業名'] },
  { field: 'division', label: '担当課', aliases: ['division', '担当課', '所管課', '回付先', '担当部署', '課'] },
  { field: 'department', label: '担当部', aliases: ['department', '担当部', '所管部', '部'] },
  { field: 'referral', label: '移送先', aliases: ['referral', '移送先'] },
  { field: 'status', label: '状態', aliases: ['status', '状態', '対応状況', '処理状況', 'ステータス'] },
  { field: 'answer', label: '回答', aliases: ['answer', '回答', '回答内容'] },
  { field: 'answered_at', label: '回答日', aliases: ['answeredat', '回答日'] },
  { field: 'published_at', label: '公開日', aliases: ['publishedat', '公開日', '公表日'] },
];
const PREVIEW_ROWS = 5;

const form = document.getElementById('import-form');
const fileInput = document.getElementById('import-file');
const encoding = document.getElementById('import-encoding');
const channel = document.getElementById('import-channel');
const previewArea = document.getElementById('preview-area');
const error = document.getElementById('import-error');
const submit = document.getElementById('import-submit');
const reportArea = document.getElementById('report-area');
const announce = announcer(document.getElementById('status'));

let file = null;
let parsed = null; // {format, encoding, header, rows}
let explicit = {}; // field → column the clerk chose
let mapping = {}; // field → column koe will take

// column_key(): NFKC, lower case, without spaces, underscores, hyphens and tabs.
function columnKey(name) {
  return String(name).normalize('NFKC').toLowerCase().replace(/[ _\-\t]/g, '');
}

// The server's map_columns(): the clerk's choices, then each other field by its usual
// names, a column serving one field only.
function mapColumns(header, given) {
  const byKey = new Map();
  for (const c of header) if (!byKey.has(columnKey(c))) byKey.set(columnKey(c), c);
  const out = {};
  const used = new Set();
  for (const [field, column] of Object.entries(given)) {
    out[field] = column;
    used.add(column);
  }
  for (const f of FIELDS) {
    if (out[f.field]) continue;
    for (const alias of f.aliases) {
      const c = byKey.get(alias);
      if (c === undefined || used.has(c)) continue;
      out[f.field] = c;
      used.add(c);
      break;
    }
  }
  return out;
}

function showError(...lines) {
  replaceChildren(error, lines.filter(Boolean).map((l) => h('p', {}, l)));
  error.hidden = false;
}

function clearError() {
  error.hidden = true;
  replaceChildren(error);
}

// The bytes as text: UTF-8 when they are valid UTF-8 (auto), else Shift_JIS, as koe decides.
function decode(bytes, choice) {
  const strip = (t) => (t.charCodeAt(0) === 0xfeff ? t.slice(1) : t);
  if (choice === 'cp932') return { text: strip(new TextDecoder('shift_jis').decode(bytes)), encoding: 'cp932' };
  if (choice === 'utf-8') return { text: strip(new TextDecoder('utf-8').decode(bytes)), encoding: 'utf-8' };
  try {
    return { text: strip(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), encoding: 'utf-8' };
  } catch (e) {
    return { text: strip(new TextDecoder('shift_jis').decode(bytes)), encoding: 'cp932' };
  }
}

// The first records of a CSV (RFC 4180 quoting, CRLF or LF, newlines inside quotes).
function csvRecords(text, max) {
  const records = [];
  let rec = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length && records.length < max) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { rec.push(field); field = ''; i++; continue; }
    if (c === '\r' || c === '\n') {
      rec.push(field);
      field = '';
      if (rec.some((f) => f !== '')) records.push(rec);
      rec = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c;
    i++;
  }
  if (records.length < max && (field !== '' || rec.length)) {
    rec.push(field);
    if (rec.some((f) => f !== '')) records.push(rec);
  }
  return records;
}

function formatOf(text) {
  const c = text.trimStart()[0];
  return c === '[' ? 'json' : c === '{' ? 'jsonl' : 'csv';
}

function parse(text, format) {
  if (format === 'csv') {
    const records = csvRecords(text, PREVIEW_ROWS + 1);
    if (!records.length) return null;
    return { header: records[0], rows: records.slice(1) };
  }
  let objects = [];
  if (format === 'json') {
    try {
      const doc = JSON.parse(text);
      objects = Array.isArray(doc) ? doc.slice(0, PREVIEW_ROWS) : [];
    } catch (e) {
      return null;
    }
  } else {
    for (const line of text.split('\n')) {
      if (objects.length >= PREVIEW_ROWS) break;
      if (!line.trim()) continue;
      try {
        objects.push(JSON.parse(line));
      } catch (e) {
        objects.push(null);
      }
    }
  }
  objects = objects.filter((o) => o && typeof o === 'object' && !Array.isArray(o));
  if (!objects.length) return null;
  // The first object's keys stand for the columns, as koe takes them.
  const header = Object.keys(objects[0]);
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
  return { header, rows: objects.map((o) => header.map((k) => cell(o[k]))) };
}

const FORMAT_LABELS = { csv: 'CSV', jsonl: 'JSON Lines', json: 'JSON' };
const ENCODING_LABELS = { 'utf-8': 'UTF-8', cp932: 'Shift_JIS（CP932）' };

async function readFile() {
  clearError();
  replaceChildren(reportArea);
  file = fileInput.files && fileInput.files[0];
  parsed = null;
  explicit = {};
  submit.disabled = true;
  if (!file) {
    replaceChildren(previewArea);
    return;
  }
  const bytes = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const decoded = decode(bytes, encoding.value);
  const format = formatOf(decoded.text);
  const p = parse(decoded.text, format);
  if (!p || !p.header.length) {
    replaceChildren(previewArea);
    showError('このファイルは読み取れませんでした。CSV（1行目が列の名前）か JSON Lines を選んでください。');
    return;
  }
  parsed = { ...p, format, encoding: decoded.encoding };
  renderPreview();
}

function columnsSpec() {
  return Object.entries(explicit).map(([f, c]) => f + '=' + c).join(',');
}

function renderPreview() {
  mapping = mapColumns(parsed.header, explicit);
  const fieldOf = {};
  for (const [f, c] of Object.entries(mapping)) fieldOf[c] = f;
  const labelOf = Object.fromEntries(FIELDS.map((f) => [f.field, f.label]));
  const cut = (t) => (t.length > 60 ? t.slice(0, 60) + '…' : t);

  const preview = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'ファイルの先頭の行（横に動かせます）' },
    h('table', { class: 'preview' },
      h('thead', {}, h('tr', {}, parsed.header.map((c) => h('th', { scope: 'col' }, c,
        fieldOf[c] ? h('span', { class: 'maps-to' }, '→ ', labelOf[fieldOf[c]]) : h('span', { class: 'maps-to unused' }, '（使わない）'))))),
      h('tbody', {}, parsed.rows.map((r) => h('tr', {}, parsed.header.map((_, i) => h('td', {}, cut(r[i] || ''))))))));

  const selects = FIELDS.map((f) => {
    const id = 'map-' + f.field;
    const sel = h('select', { id, 'data-field': f.field },
      h('option', { value: '' }, '（使わない）'),
      parsed.header.map((c) => h('option', { value: c }, c)));
    sel.value = mapping[f.field] || '';
    const note = h('span', { class: 'hint', id: id + '-note' });
    sel.addEventListener('change', () => {
      if (sel.value) explicit[f.field] = sel.value;
      else delete explicit[f.field];
      const before = mapColumns(parsed.header, explicit);
      if (!sel.value && before[f.field]) {
        // koe takes a column it recognises by name unless another field claims it.
        renderPreview();
        const n = document.getElementById(id + '-note');
        n.textContent = '列「' + before[f.field] + '」は名前から自動で使われます。外すことはできません（別の列は選べます）。';
        document.getElementById(id).focus();
        return;
      }
      renderPreview();
      document.getElementById(id).focus();
    });
    return h('tr', {},
      h('th', { scope: 'row' }, h('label', { for: id }, f.label), f.field === 'text' ? h('span', { class: 'required' }, '（必須）') : null),
      h('td', {}, sel, note));
  });

  const problems = [];
  if (!mapping.text) problems.push('本文（ご意見）の列を選んでください。');
  if (!mapping.received_at) problems.push('受付日の列がありません。受付日は今日の日付になります。');
  const bad = Object.values(explicit).find((c) => c.includes(',') || c.includes('='));
  if (bad) problems.push('列の名前「' + bad + '」に「,」か「=」が含まれるため、この列は指定できません。ファイルの列の名前を変えてください。');

  replaceChildren(previewArea,
    h('section', { 'aria-labelledby': 'preview-heading' },
      h('h2', { id: 'preview-heading' }, 'ファイルの先頭'),
      h('p', { class: 'hint' }, file.name, '　', FORMAT_LABELS[parsed.format] || parsed.format, '・', ENCODING_LABELS[parsed.encoding] || parsed.encoding,
        '　先頭の', String(parsed.rows.length), '行を表示しています。'),
      preview),
    h('section', { 'aria-labelledby': 'mapping-heading' },
      h('h2', { id: 'mapping-heading' }, '列の対応'),
      h('p', { class: 'hint' }, 'koe が列の名前から選んだ対応です。違っていれば選び直してください。'),
      h('table', { class: 'mapping' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '項目'), h('th', { scope: 'col' }, 'ファイルの列'))),
        h('tbody', {}, selects)),
      problems.length ? h('ul', { class: 'problems' }, problems.map((p) => h('li', {}, p))) : null));
  submit.disabled = !mapping.text || Boolean(bad);
}

fileInput.addEventListener('change', readFile);
encoding.addEventListener('change', () => { if (file) readFile(); });

const CONTENT_TYPES = { csv: 'text/csv', jsonl: 'application/x-ndjson', json: 'application/json' };

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearError();
  if (!file || !parsed) {
    showError('取り込むファイルを選んでください。');
    fileInput.focus();
    return;
  }
  if (!mapping.text) {
    showError('本文（ご意見）の列を選んでください。');
    document.getElementById('map-text').focus();
    return;
  }
  const params = new URLSearchParams({ encoding: encoding.value });
  const spec = columnsSpec();
  if (spec) params.set('columns', spec);
  if (channel.value.trim()) params.set('channel', channel.value.trim());
  submit.disabled = true;
  submit.textContent = '取り込んでいます…';
  reportArea.setAttribute('aria-busy', 'true');
  replaceChildren(reportArea, h('p', { class: 'loading' }, '取り込んで、一件ずつ振り分けています…'));
  try {
    const report = await deskApi('/api/v1/voices/import?' + params.toString(), {
      method: 'POST',
      headers: { 'Content-Type': CONTENT_TYPES[parsed.format] },
      body: file,
    });
    renderReport(report);
  } catch (err) {
    let lead = '取り込めませんでした。';
    if (err instanceof ApiError && err.status === 413) lead = 'ファイルが大きすぎます。分けて取り込んでください。';
    else if (err instanceof ApiError && err.status === 403) lead = '取り込みは広聴課の職員だけが行えます。';
    else if (err instanceof ApiError && err.status === 400) lead = 'このファイルは取り込めませんでした。列の対応と文字コードを確かめてください。';
    replaceChildren(reportArea, errorNotice(err, lead));
    announce(lead);
  } finally {
    reportArea.removeAttribute('aria-busy');
    submit.disabled = !mapping.text;
    submit.textContent = '取り込む';
  }
});

// "line 3: text is empty" → 3行目
function errorItem(text) {
  const m = /^(line|item) (\d+): (.*)$/s.exec(String(text));
  if (!m) return h('li', {}, String(text));
  return h('li', {}, h('strong', {}, m[2] + (m[1] === 'line' ? '行目' : '件目')), '：', m[3]);
}

function renderReport(r) {
  const errors = Array.isArray(r.errors) ? r.errors : [];
  const labelOf = Object.fromEntries(FIELDS.map((f) => [f.field, f.label]));
  const heading = h('h2', { id: 'report-heading', tabindex: '-1' }, '取り込みの結果');
  replaceChildren(reportArea, h('section', { 'aria-labelledby': 'report-heading' },
    heading,
    h('div', { class: 'notice ' + (errors.length ? 'warn' : 'ok') },
      h('p', {}, h('strong', {}, String(r.imported ?? 0), '件'), 'を取り込みました。',
        errors.length ? '取り込めなかった行が' + errors.length + '件あります。' : ''),
      h('p', {}, '形式：', FORMAT_LABELS[r.format] || r.format || '', '　文字コード：', ENCODING_LABELS[r.encoding] || r.encoding || ''),
      h('p', {}, h('a', { href: '/desk?status=new' }, '受付一覧で新しいご意見を見る'))),
    r.columns && Object.keys(r.columns).length
      ? h('table', { class: 'mapping' },
        h('caption', {}, '使った列'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '項目'), h('th', { scope: 'col' }, 'ファイルの列'))),
        h('tbody', {}, Object.entries(r.columns).map(([f, c]) => h('tr', {}, h('th', { scope: 'row' }, labelOf[f] || f), h('td', {}, c)))))
      : null,
    errors.length ? [h('h3', {}, '取り込めなかった行'), h('ul', { class: 'import-errors' }, errors.map(errorItem))] : null));
  announce((r.imported ?? 0) + '件を取り込みました。' + (errors.length ? '取り込めなかった行が' + errors.length + '件あります。' : ''));
  heading.focus();
}

async function main() {
  const session = await startDesk();
  if (!session) return;
  if (isDivisionUser(session.user)) {
    replaceChildren(document.getElementById('desk-main'), h('h1', {}, '取り込み'),
      h('div', { class: 'notice warn' }, h('p', {}, '取り込みは広聴課の職員だけが行えます。'), h('p', {}, h('a', { href: '/desk' }, '受付一覧へ戻る'))));
  }
}

main();
