// Automated accessibility checks (axe-core, WCAG 2.1 A/AA) of each page in its usual states.
// They catch the mechanical faults (labels, contrast, landmarks, names); the other test files
// check keyboard use and what a person sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openBrowser, newPage, url, projectIdByName, DESKTOP, PHONE } from './helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser;
// axe-core is injected as an inline script, which koe's CSP rightly refuses.
before(async () => { browser = await openBrowser({ bypassCSP: true }); });
after(async () => { await browser.close(); });

async function violations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const states = [
  ['search page without a query', '/', (p) => p.getByRole('heading', { name: '事業の一覧' }).waitFor()],
  ['search results', '/?q=' + encodeURIComponent('市民'), (p) => p.getByRole('list', { name: '検索結果' }).waitFor()],
  ['no results', '/?q=' + encodeURIComponent('ぬゎゑゐ'), (p) => p.locator('#results-area').getByText('に一致する情報は見つかりませんでした').waitFor()],
  ['project page', async () => '/projects/' + encodeURIComponent(await projectIdByName('ふるさと納税')),
    (p) => p.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor()],
  ['voice page with a result', '/voice', async (p) => {
    await p.getByLabel('ご意見・ご要望の本文').fill('ふるさと納税の返礼品に地元の和菓子を加えてほしい');
    await p.getByRole('button', { name: '振り分ける' }).click();
    await p.getByRole('heading', { name: '振り分けの結果' }).waitFor();
  }],
];

for (const [name, path, ready] of states) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`axe finds no accessibility violation: ${name} (${size})`, async () => {
      const page = await newPage(browser, viewport);
      await page.goto(url(typeof path === 'function' ? await path() : path));
      await ready(page);
      assert.deepEqual(await violations(page), []);
    });
  }
}
