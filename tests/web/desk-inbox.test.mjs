// 受付一覧 page: counts per status, filters kept in the URL, newest first, and the keys
// j/k (select), Enter (open) and c (confirm koe's suggestion).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, signIn, deskApi, newVoice, getVoice, PHONE } from './helpers.mjs';

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser);
});
after(async () => { await browser.close(); });

async function openInbox(page, query = '') {
  await page.goto(url('/desk' + query));
  await page.getByRole('heading', { name: /条件に合うご意見/ }).waitFor();
}

async function shownTotal(page) {
  const text = await page.getByRole('heading', { name: /条件に合うご意見/ }).innerText();
  return Number(text.replace(/,/g, '').match(/ご意見：\s*(\d+)\s*件/)[1]);
}

const rows = (page) => page.getByRole('list', { name: 'ご意見の一覧' }).locator('> li');

test('the status tabs count what /api/v1/stats counts, and the list holds the newest first', async () => {
  const page = await newPage(browser);
  await openInbox(page);
  const stats = (await deskApi('/api/v1/stats')).data;
  const tabs = page.getByRole('navigation', { name: '状態で絞り込む' });
  // A tab reads "受付、6件"; the comma is for screen readers only.
  const flat = async (name) => (await tabs.getByRole('link', { name }).innerText()).replace(/[\s、]/g, '');
  assert.equal(await flat(/^すべて/), 'すべて' + stats.total + '件');
  for (const c of stats.by_status) assert.equal(await flat(new RegExp('^' + c.label)), c.label + c.count + '件', c.key);
  const list = (await deskApi('/api/v1/voices?limit=20')).data;
  assert.equal(await shownTotal(page), list.total);
  assert.equal(await rows(page).count(), list.voices.length);
  const firstLink = rows(page).first().locator('.row-link');
  assert.equal(await firstLink.getAttribute('href'), '/desk/voices/' + list.voices[0].id);
  // Each row: date, channel, text, koe's suggestion with a confidence in words, status, route.
  const text = await rows(page).filter({ hasText: 'W-007' }).innerText();
  assert.match(text, /2025年7月1日/);
  assert.match(text, /電話/);
  assert.match(text, /姉妹都市の高校生/);
  assert.match(text, /姉妹都市交流（秘書課）/);
  assert.match(text, /確信度：[高中低]/);
  assert.match(text, /受付/);
  assert.match(text, /振り分け\s*未定/);
  assert.deepEqual(page.problems, []);
});

test('a status tab filters the list and is kept in the URL', async () => {
  const page = await newPage(browser);
  await openInbox(page);
  await page.getByRole('navigation', { name: '状態で絞り込む' }).getByRole('link', { name: /^回答済/ }).click();
  await page.waitForURL((u) => u.searchParams.get('status') === 'answered');
  await page.getByRole('link', { name: /^回答済/, current: 'page' }).waitFor();
  const api = (await deskApi('/api/v1/voices?status=answered')).data;
  await page.waitForFunction((n) => document.querySelectorAll('#voice-list > li').length === n, api.voices.length);
  assert.equal(await shownTotal(page), api.total);
  for (const t of await rows(page).allInnerTexts()) assert.match(t, /回答済/);
  // Back returns to every status.
  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has('status'));
  await page.getByRole('link', { name: /^すべて/, current: 'page' }).waitFor();
});

test('the filters (課, 確信度, 本文の語, 受付日) narrow the list, live in the URL and survive a reload', async () => {
  const page = await newPage(browser);
  await openInbox(page);
  await page.getByLabel('本文の語').fill('姉妹都市');
  await page.getByLabel('受付日（から）').fill('2025-05-01');
  await page.getByLabel('受付日（まで）').fill('2025-06-30');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === '姉妹都市');
  const u = new URL(page.url());
  assert.equal(u.searchParams.get('from'), '2025-05-01');
  assert.equal(u.searchParams.get('to'), '2025-06-30');
  const api = (await deskApi('/api/v1/voices?q=' + encodeURIComponent('姉妹都市') + '&from=2025-05-01&to=2025-06-30')).data;
  await page.waitForFunction((n) => document.querySelectorAll('#voice-list > li').length === n, api.total);
  assert.ok(api.total >= 1);
  assert.equal(await shownTotal(page), api.total);
  for (const t of await rows(page).allInnerTexts()) {
    assert.match(t, /姉妹都市/);
    assert.match(t, /2025年[56]月/);
  }
  await page.reload();
  await page.getByRole('heading', { name: /条件に合うご意見/ }).waitFor();
  assert.equal(await page.getByLabel('本文の語').inputValue(), '姉妹都市');
  assert.equal(await page.getByLabel('受付日（から）').inputValue(), '2025-05-01');

  await openInbox(page);
  await page.getByLabel('課', { exact: true }).selectOption('広報プロモーション課');
  await page.getByLabel('確信度').selectOption('high');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await page.waitForURL((x) => x.searchParams.get('division') === '広報プロモーション課' && x.searchParams.get('confidence') === 'high');
  const byDivision = (await deskApi('/api/v1/voices?division=' + encodeURIComponent('広報プロモーション課') + '&confidence=high')).data;
  await page.waitForFunction((n) => document.querySelectorAll('#voice-list > li').length === n
    || (n === 0 && document.querySelector('#list-area .notice')), byDivision.voices.length);
  assert.ok(byDivision.total >= 1, 'the test data has such voices');
  assert.equal(await shownTotal(page), byDivision.total);
  for (const t of await rows(page).allInnerTexts()) {
    assert.match(t, /振り分け\s*\S*広報プロモーション課/);
    assert.match(t, /確信度：高/);
  }
});

test('j and k move the selection, Enter opens the voice', async () => {
  const page = await newPage(browser);
  await openInbox(page);
  await page.keyboard.press('j');
  const first = rows(page).nth(0);
  await page.waitForFunction(() => document.querySelector('#voice-list > li').getAttribute('aria-current') === 'true');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'row-link');
  await page.keyboard.press('j');
  assert.equal(await rows(page).nth(1).getAttribute('aria-current'), 'true');
  assert.equal(await first.getAttribute('aria-current'), null);
  await page.keyboard.press('k');
  assert.equal(await first.getAttribute('aria-current'), 'true');
  const href = await first.locator('.row-link').getAttribute('href');
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === href);
  await page.getByRole('heading', { level: 1, name: /ご意見/ }).waitFor();
});

test('c confirms the selected voice as koe suggested, and its row says so', async () => {
  const voice = await newVoice('ふるさと納税の返礼品に八王子の地酒を選べるようにしてほしい');
  assert.equal(voice.suggestion.out_of_scope, false);
  const page = await newPage(browser);
  await openInbox(page);
  const row = rows(page).first();
  assert.equal(await row.locator('.row-link').getAttribute('href'), '/desk/voices/' + voice.id);
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await row.getByText('振り分け確定').waitFor();
  assert.match(await row.innerText(), new RegExp('振り分け\\s*' + voice.suggestion.route.project));
  const after = await getVoice(voice.id);
  assert.equal(after.status, 'confirmed');
  assert.equal(after.route.project_id, voice.suggestion.route.project_id);
  assert.equal(after.version, voice.version + 1);
  // The selection stays on the row for the next key.
  assert.equal(await rows(page).first().getAttribute('aria-current'), 'true');
  assert.deepEqual(page.problems, []);
});

test('c refuses a voice koe found out of scope, and says why', async () => {
  const voice = await newVoice('道路の舗装がでこぼこで自転車が危ないので直してほしい');
  assert.equal(voice.suggestion.out_of_scope, true);
  const page = await newPage(browser);
  await openInbox(page);
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await page.getByRole('alert').getByText('c では確定できません', { exact: false }).waitFor();
  assert.equal((await getVoice(voice.id)).status, 'new');
});

test('c on a voice changed by someone else since the list loaded confirms nothing', async () => {
  const voice = await newVoice('ふるさと納税の返礼品を高尾山の名物にしてほしい');
  const page = await newPage(browser);
  await openInbox(page);
  await deskApi('/api/v1/voices/' + voice.id, { method: 'PATCH', body: { version: voice.version, note: '電話で確認中' } });
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await page.getByRole('alert').getByText('ほかの人が変更しました', { exact: false }).waitFor();
  assert.equal((await getVoice(voice.id)).status, 'new');
});

test('the keys do nothing while typing in a filter field', async () => {
  const page = await newPage(browser);
  await openInbox(page);
  await page.getByLabel('本文の語').click();
  await page.keyboard.type('jkc');
  assert.equal(await page.getByLabel('本文の語').inputValue(), 'jkc');
  assert.equal(await page.locator('#voice-list > li[aria-current]').count(), 0);
});

test('the inbox fits a 375px phone without sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await openInbox(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});
