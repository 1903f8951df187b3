// Screenshots of each page at desktop and phone widths, for the README and for review.
import { test, before, after } from 'node:test';
import { openBrowser, newPage, url, projectIdByName, screenshot, SCREENSHOT_DIR, DESKTOP, PHONE } from './helpers.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser.close(); });

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
