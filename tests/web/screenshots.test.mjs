// Screenshots of each page at desktop and phone widths, for the README and for review.
import { test, before, after } from 'node:test';
import {
  openBrowser, newPage, url, projectIdByName, screenshot, signIn, voiceByExternalId, SCREENSHOT_DIR, DESKTOP, PHONE,
} from './helpers.mjs';

let browser;
let desk; // a second browser, signed in to the voice desk
before(async () => {
  browser = await openBrowser();
  desk = await openBrowser();
  await signIn(desk);
});
after(async () => {
  await browser.close();
  await desk.close();
});

// Focus and pointer moved away, so the picture shows the page at rest.
async function atRest(page) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.mouse.move(0, 0);
}

const sizes = [['desktop', DESKTOP], ['phone', PHONE]];

for (const [size, viewport] of sizes) {
  test(`screenshot: search (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(browser, viewport);
    await page.goto(url('/?q=' + encodeURIComponent('ふるさと納税')));
    await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
    await screenshot(page, `search-${size}`);
  });

  test(`screenshot: project (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(browser, viewport);
    await page.goto(url('/projects/' + encodeURIComponent(await projectIdByName('ふるさと納税'))));
    await page.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor();
    await page.getByRole('complementary', { name: '関連する事業' }).waitFor();
    await screenshot(page, `project-${size}`);
  });

  test(`screenshot: voice (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(browser, viewport);
    await page.goto(url('/voice'));
    await page.getByLabel('ご意見・ご要望の本文').fill('ふるさと納税の返礼品に地元の和菓子を加えてほしい');
    await page.getByRole('button', { name: '振り分ける' }).click();
    await page.getByRole('heading', { name: '振り分けの結果' }).waitFor();
    // The result heading takes focus and the pointer rests on the button: move both away so
    // the picture shows the page at rest.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.mouse.move(0, 0);
    await screenshot(page, `voice-${size}`);
  });
}

for (const [size, viewport] of sizes) {
  test(`screenshot: desk login (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(browser, viewport);
    await page.goto(url('/login?next=%2Fdesk'));
    await page.getByRole('heading', { name: 'ログイン' }).waitFor();
    await atRest(page);
    await screenshot(page, `desk-login-${size}`);
  });

  test(`screenshot: desk inbox (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(desk, viewport);
    // The voices of desk-voices.csv and the imports, not the ones the other tests made today.
    await page.goto(url('/desk?to=2025-12-31'));
    await page.getByRole('list', { name: 'ご意見の一覧' }).waitFor();
    await atRest(page);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await screenshot(page, `desk-inbox-${size}`);
  });

  test(`screenshot: desk voice (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(desk, viewport);
    await page.goto(url('/desk/voices/' + (await voiceByExternalId('W-002')).id));
    await page.getByRole('heading', { name: '履歴' }).waitFor();
    await atRest(page);
    await screenshot(page, `desk-voice-${size}`);
  });

  test(`screenshot: desk stats (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(desk, viewport);
    await page.goto(url('/desk/stats'));
    await page.locator('figure.chart svg').first().waitFor();
    await atRest(page);
    await screenshot(page, `desk-stats-${size}`);
  });

  test(`screenshot: desk import (${size})`, { skip: !SCREENSHOT_DIR }, async () => {
    const page = await newPage(desk, viewport);
    await page.goto(url('/desk/import'));
    await page.locator('#desk-user button').waitFor();
    await page.getByLabel('ファイル').setInputFiles({
      name: 'koe-export.csv', mimeType: 'text/csv',
      buffer: Buffer.from('整理番号,受信日,経路,ご意見内容,所管課,備考\n' +
        'R7-0101,2025-09-01,メール,広報紙の文字を大きくしてほしい,,\n' +
        'R7-0102,2025-09-02,電話,ふるさと納税の返礼品を増やしてほしい,広報プロモーション課,折り返し希望\n'),
    });
    await page.getByRole('heading', { name: '列の対応' }).waitFor();
    await atRest(page);
    await screenshot(page, `desk-import-${size}`);
  });
}
