// A 課's user (role division, 広報プロモーション課): the same pages, scoped by the server to the
// 課's voices, with the masked text only; the page offers only the steps a 課 may take.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, signIn, newVoice, patchVoice, getVoice, voiceByExternalId, USERS } from './helpers.mjs';

const PHONE_NUMBER = '042-626-3111'; // in W-006 of desk-voices.csv, and in the voice made below

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser, USERS.division);
});
after(async () => { await browser.close(); });

// Nothing of the number, in any form: text, attributes, hidden parts.
async function assertNoPhoneNumber(page) {
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  for (const part of [PHONE_NUMBER, '626-3111', '6263111', '3111']) assert.equal(html.includes(part), false, part);
}

test('the inbox lists only the 課\'s voices, and never the unmasked text', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk'));
  await page.getByRole('heading', { name: /条件に合うご意見/ }).waitFor();
  // What the server lets this session see, asked from the page itself.
  const mine = await page.evaluate(async () => (await fetch('/api/v1/voices?limit=100')).json());
  assert.ok(mine.total >= 2);
  for (const v of mine.voices) {
    assert.equal(v.route.division, USERS.division.division);
    assert.equal(v.text, null);
  }
  const rows = page.getByRole('list', { name: 'ご意見の一覧' }).locator('> li');
  assert.equal(await rows.count(), Math.min(mine.total, 20));
  for (const t of await rows.allInnerTexts()) assert.match(t, /振り分け\s*\S*広報プロモーション課/);
  await rows.filter({ hasText: 'W-006' }).getByText('［電話番号］', { exact: false }).waitFor();
  await assertNoPhoneNumber(page);
  // No 課 filter (the server scopes), no import, and a name in the header that says which 課.
  assert.equal(await page.getByLabel('課', { exact: true }).isVisible(), false);
  assert.equal(await page.getByRole('link', { name: '取り込み' }).isVisible(), false);
  assert.match(await page.locator('#desk-user').innerText(), /koho（課の担当・広報プロモーション課）/);
});

test('c does not confirm for a 課: routing is the 広聴課\'s', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk?status=forwarded'));
  await page.getByRole('heading', { name: /条件に合うご意見/ }).waitFor();
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  await page.getByRole('alert').getByText('振り分けの確定は広聴課が行います。').waitFor();
});

test('a forwarded voice shows the masked text; the 課 answers it, and may not reroute it', async () => {
  const voice = await newVoice('ふるさと納税の返礼品の申込方法を教えてほしい。山田太郎様、電話' + PHONE_NUMBER);
  await patchVoice(voice.id, { version: voice.version, route: { division: USERS.division.division }, status: 'forwarded' });
  const page = await newPage(browser);
  await page.goto(url('/desk/voices/' + voice.id));
  await page.getByRole('heading', { name: '履歴' }).waitFor();
  assert.match(await page.locator('#voice-text').innerText(), /［電話番号］/);
  await page.getByText('個人情報（氏名・住所・電話番号など）は伏せてあります。').waitFor();
  await assertNoPhoneNumber(page);
  assert.equal(await page.getByRole('heading', { name: '振り分け先を選ぶ' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /確定/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '他機関へ移送' }).count(), 0);
  await page.getByRole('button', { name: '広聴課へ差し戻す' }).waitFor();

  await page.getByLabel('回答の文').fill('申込方法はふるさと納税のページに載せています。');
  await page.getByRole('button', { name: '回答して回答済にする' }).click();
  await page.locator('#change-done').waitFor();
  const after = await getVoice(voice.id);
  assert.equal(after.status, 'answered');
  // Publishing is the 広聴課's step.
  assert.equal(await page.getByRole('button', { name: '公開する' }).count(), 0);
  await assertNoPhoneNumber(page);
});

test('W-006 of the export opens with its number masked', async () => {
  const w006 = await voiceByExternalId('W-006');
  const page = await newPage(browser);
  await page.goto(url('/desk/voices/' + w006.id));
  await page.getByRole('heading', { name: '履歴' }).waitFor();
  assert.match(await page.locator('#voice-text').innerText(), /電話は［電話番号］です/);
  await assertNoPhoneNumber(page);
});

test('a voice of another 課 is not found, and import is for the 広聴課 only', async () => {
  const other = await voiceByExternalId('W-003');
  const page = await newPage(browser);
  await page.goto(url('/desk/voices/' + other.id));
  await page.getByText('このご意見は見つかりませんでした', { exact: false }).waitFor();
  assert.equal(await page.locator('#voice-text').count(), 0);
  await page.goto(url('/desk/import'));
  await page.getByText('取り込みは広聴課の職員だけが行えます。').waitFor();
});
