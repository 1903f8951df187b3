// ご意見の振り分け page: a pasted voice is routed to the 課 that handles it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, PHONE } from './helpers.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser.close(); });

async function submitVoice(page, text) {
  await page.getByLabel('ご意見・ご要望の本文').fill(text);
  await page.getByRole('button', { name: '振り分ける' }).click();
  await page.getByRole('heading', { name: '振り分けの結果' }).waitFor();
}

test('a voice about ふるさと納税 returns is routed to 広報プロモーション課', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await submitVoice(page, 'ふるさと納税の返礼品に地元の和菓子を加えてほしい');
  const route = page.locator('.route');
  assert.match(await route.innerText(), /担当の課：\s*広報プロモーション課/);
  const matches = page.getByRole('list').filter({ has: page.locator('.match') }).first();
  const first = matches.getByRole('listitem').first();
  assert.match(await first.innerText(), /ふるさと納税/);
  assert.match(await first.innerText(), /確からしさ：[高中低]/);
  assert.ok(await page.locator('#voice-result mark').count() > 0, 'matched sentences are highlighted');
  // The voice may hold personal details: it must not end up in the URL.
  assert.equal(new URL(page.url()).search, '');
  assert.deepEqual(page.problems, []);
});

test('the matched project links to its page', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await submitVoice(page, 'ふるさと納税の返礼品に地元の和菓子を加えてほしい');
  await page.locator('.route').getByRole('link', { name: 'ふるさと納税' }).click();
  await page.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor();
});

test('a voice about none of the plans says so, with no 課 to route to', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await submitVoice(page, '道路の舗装がでこぼこで危ないので直してほしい');
  await page.locator('#voice-result').getByText('このご意見は、現在の計画のどの事業にも当てはまらないようです。').waitFor();
  assert.equal(await page.locator('.route').count(), 0);
  // Weak candidates, if the server offers any, are set apart as a side note.
  const listed = await page.locator('.match').count();
  if (listed) {
    await page.getByRole('heading', { name: '参考：関係の薄い候補' }).waitFor();
    assert.equal(await page.locator('.weak .match').count(), listed);
  }
});

test('Ctrl+Enter in the text area sends the voice, for clerks working from the keyboard', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  const box = page.getByLabel('ご意見・ご要望の本文');
  await box.fill('ふるさと納税の返礼品に地元の和菓子を加えてほしい');
  await box.press('Control+Enter');
  await page.getByRole('heading', { name: '振り分けの結果' }).waitFor();
  // Focus moves to the result so a screen reader reads it next.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'result-heading');
});

test('an empty voice is caught at the field with a message', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await page.getByRole('button', { name: '振り分ける' }).click();
  await page.getByText('ご意見の本文を入力してください。').waitFor();
  const box = page.getByLabel('ご意見・ご要望の本文');
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'voice-text');
});

test('HTML in a voice is shown as text, never run', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await submitVoice(page, '<img src=x onerror=alert(1)>ふるさと納税の返礼品について');
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(page.dialogs, []);
});

test('the voice page fits a 375px phone without sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(url('/voice'));
  await submitVoice(page, 'ふるさと納税の返礼品に地元の和菓子を加えてほしい');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});

test('a voice for another body names the body that handles it', async () => {
  const page = await newPage(browser);
  await page.goto(url('/voice'));
  await submitVoice(page, '年金の受給の手続きがよくわかりません。年金の書類の書き方を教えてほしい。');
  assert.match(await page.locator('#referral-guide').innerText(), /担当窓口のご案内：\s*日本年金機構/);
  assert.deepEqual(page.problems, []);
});
