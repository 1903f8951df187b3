// 取り込み page: the file's first rows and the column mapping koe will use, a select per field
// to change it, then the file's bytes posted as they are (UTF-8 or Shift_JIS) and the report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, signIn, deskApi, PHONE } from './helpers.mjs';

// A city's export saved by Excel in Shift_JIS, made once with
//   printf '受付日,受付方法,ご意見,担当課\r\n2025/8/1,電話,ふるさと納税の返礼品に桑都の織物を加えてほしい,\r\n'\
//          '令和7年8月2日,窓口,姉妹都市の交流で桑都の伝統を紹介してほしい,秘書課\r\n2025-08-03,手紙,,\r\n' |
//     iconv -f UTF-8 -t CP932 | xxd -p
// (TextEncoder writes UTF-8 only). Its last row has no text: koe reports it by line.
const CP932_EXPORT = Buffer.from(
  '8ef3957493fa2c8ef3957495fb96402c82b288d38ca92c9253939689db0d0a323032352f382f312c936498622c82d382e982b382c6945b90c582cc' +
  '95d497e7956982c98c4b937382cc904495a882f089c182a682c482d982b582a22c0d0a97df986137944e388c8e3293fa2c918b8cfb2c8e6f9685' +
  '93738e7382cc8cf097ac82c58c4b937382cc9360939d82f08fd089ee82b582c482d982b582a22c94e98f9189db0d0a323032352d30382d30332c' +
  '8ee88e862c2c0d0a', 'hex');

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser);
});
after(async () => { await browser.close(); });

async function choose(page, name, mimeType, buffer) {
  await page.goto(url('/desk/import'));
  await page.locator('#desk-user').getByRole('button', { name: 'ログアウト' }).waitFor();
  await page.getByLabel('ファイル').setInputFiles({ name, mimeType, buffer });
  await page.getByRole('heading', { name: 'ファイルの先頭' }).waitFor();
}

test('a Shift_JIS export is read in the browser, mapped by its Japanese column names, and imported', async () => {
  const page = await newPage(browser);
  await choose(page, 'export.csv', 'text/csv', CP932_EXPORT);
  const preview = page.getByRole('region', { name: 'ファイルの先頭', exact: true });
  assert.match(await preview.innerText(), /Shift_JIS（CP932）/);
  const head = await preview.locator('table thead th').allInnerTexts();
  assert.deepEqual(head.map((t) => t.split('\n')[0]), ['受付日', '受付方法', 'ご意見', '担当課']);
  assert.match(await preview.locator('table tbody').innerText(), /桑都の織物/);
  // koe's mapping, one select per field.
  assert.equal(await page.getByLabel('本文（ご意見）').inputValue(), 'ご意見');
  assert.equal(await page.getByLabel('受付日', { exact: true }).inputValue(), '受付日');
  assert.equal(await page.getByLabel('受付方法', { exact: true }).inputValue(), '受付方法');
  assert.equal(await page.getByLabel('担当課', { exact: true }).inputValue(), '担当課');
  assert.equal(await page.getByLabel('回答', { exact: true }).inputValue(), '');

  const posted = page.waitForRequest((r) => r.url().includes('/api/v1/voices/import'));
  await page.getByRole('button', { name: '取り込む' }).click();
  const request = await posted;
  assert.equal(request.headers()['content-type'], 'text/csv');
  assert.equal(new URL(request.url()).searchParams.get('encoding'), 'auto');

  const report = page.getByRole('region', { name: '取り込みの結果' });
  await report.waitFor();
  const text = await report.innerText();
  assert.match(text, /2件を取り込みました/);
  // The server found Shift_JIS in what it received: the file's own bytes, not a re-encoding.
  assert.match(text, /文字コード：Shift_JIS（CP932）/);
  assert.match(await report.getByRole('list').innerText(), /4行目：/);
  // The text arrived intact.
  const found = (await deskApi('/api/v1/voices?q=' + encodeURIComponent('桑都の織物'))).data;
  assert.ok(found.voices.some((v) => v.text === 'ふるさと納税の返礼品に桑都の織物を加えてほしい' && v.received_at === '2025-08-01' && v.channel === '電話'));
  const second = (await deskApi('/api/v1/voices?q=' + encodeURIComponent('桑都の伝統'))).data;
  assert.ok(second.voices.some((v) => v.received_at === '2025-08-02' && v.route && v.route.division === '秘書課'));
  assert.deepEqual(page.problems, []);
});

test('a column koe does not know is mapped with a select, and sent as the columns parameter', async () => {
  const stamp = String(Date.now());
  const csv = '整理番号,受信日,経路,市民の声,備考\n' +
    `U-${stamp}-1,2025-09-01,メール,姉妹都市の写真展を市役所でも開いてほしい,\n` +
    `U-${stamp}-2,2025-09-02,電話,ふるさと納税の返礼品に果物を入れてほしい,再掲\n`;
  const page = await newPage(browser);
  await choose(page, 'voices.csv', 'text/csv', Buffer.from(csv));
  assert.match(await page.getByRole('region', { name: 'ファイルの先頭', exact: true }).innerText(), /UTF-8/);
  assert.equal(await page.getByLabel('受付番号', { exact: true }).inputValue(), '整理番号');
  assert.equal(await page.getByLabel('受付日', { exact: true }).inputValue(), '受信日');
  assert.equal(await page.getByLabel('受付方法', { exact: true }).inputValue(), '経路');
  assert.equal(await page.getByLabel('本文（ご意見）').inputValue(), '');
  await page.getByText('本文（ご意見）の列を選んでください。').waitFor();
  assert.equal(await page.getByRole('button', { name: '取り込む' }).isDisabled(), true);

  await page.getByLabel('本文（ご意見）').selectOption('市民の声');
  assert.equal(await page.getByRole('button', { name: '取り込む' }).isDisabled(), false);
  const head = await page.getByRole('region', { name: 'ファイルの先頭', exact: true }).locator('thead th').allInnerTexts();
  assert.match(head[3], /市民の声\s*→ 本文（ご意見）/);
  assert.match(head[4], /備考\s*（使わない）/);

  const posted = page.waitForRequest((r) => r.url().includes('/api/v1/voices/import'));
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.equal(new URL((await posted).url()).searchParams.get('columns'), 'text=市民の声');
  const report = page.getByRole('region', { name: '取り込みの結果' });
  await report.waitFor();
  assert.match(await report.innerText(), /2件を取り込みました/);
  assert.match(await report.getByRole('table').innerText(), /本文（ご意見）\s*市民の声/);
  const list = (await deskApi('/api/v1/voices?limit=200')).data.voices;
  const mine = list.filter((v) => (v.external_id || '').startsWith('U-' + stamp));
  assert.equal(mine.length, 2);
  assert.ok(mine.some((v) => v.text === '姉妹都市の写真展を市役所でも開いてほしい' && v.channel === 'メール'));
});

test('a column koe recognises by name can be moved to another field but not dropped', async () => {
  const page = await newPage(browser);
  await choose(page, 'x.csv', 'text/csv', Buffer.from('受付日,ご意見,意見要旨\n2025-09-01,本文です,要旨です\n'));
  assert.equal(await page.getByLabel('本文（ご意見）').inputValue(), 'ご意見');
  await page.getByLabel('本文（ご意見）').selectOption('意見要旨');
  assert.equal(await page.getByLabel('本文（ご意見）').inputValue(), '意見要旨');
  await page.getByLabel('受付日', { exact: true }).selectOption('');
  assert.equal(await page.getByLabel('受付日', { exact: true }).inputValue(), '受付日');
  await page.getByText('名前から自動で使われます', { exact: false }).waitFor();
});

test('a JSON Lines export is sent as application/x-ndjson', async () => {
  const page = await newPage(browser);
  const jsonl = '{"受付日":"2025-09-05","ご意見":"広報紙をもっと早く届けてほしい"}\n';
  await choose(page, 'voices.jsonl', 'application/x-ndjson', Buffer.from(jsonl));
  assert.match(await page.getByRole('region', { name: 'ファイルの先頭', exact: true }).innerText(), /JSON Lines/);
  const posted = page.waitForRequest((r) => r.url().includes('/api/v1/voices/import'));
  await page.getByRole('button', { name: '取り込む' }).click();
  assert.equal((await posted).headers()['content-type'], 'application/x-ndjson');
  await page.getByRole('region', { name: '取り込みの結果' }).getByText('1件を取り込みました', { exact: false }).waitFor();
});

test('a file that is no export is refused before anything is sent', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk/import'));
  await page.getByLabel('ファイル').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await page.getByRole('alert').getByText('このファイルは読み取れませんでした', { exact: false }).waitFor();
  assert.equal(await page.getByRole('button', { name: '取り込む' }).isDisabled(), true);
});

test('the import page fits a 375px phone without sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await choose(page, 'export.csv', 'text/csv', CP932_EXPORT);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});
