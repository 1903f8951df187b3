// Automated accessibility checks (axe-core, WCAG 2.1 A/AA) of each page in its usual states.
// They catch the mechanical faults (labels, contrast, landmarks, names); the other test files
// check keyboard use and what a person sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  openBrowser, newPage, url, projectIdByName, signIn, voiceByExternalId, USERS, DESKTOP, PHONE,
} from './helpers.mjs';

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
  // The voice desk: the login page before signing in, the rest after (see deskStates).
  ['login page', '/login', (p) => p.getByRole('heading', { name: 'ログイン' }).waitFor()],
  ['login page with an error', '/login', async (p) => {
    await p.getByLabel('名前').fill(USERS.admin.name);
    await p.getByLabel('パスワード').fill('not-the-password');
    await p.getByRole('button', { name: 'ログイン' }).click();
    await p.getByRole('alert').getByText('名前かパスワードが違います。').waitFor();
  }],
];

let signedIn = null;
const deskReady = (check) => async (p) => {
  await p.locator('#desk-user button').waitFor();
  await check(p);
};
const deskStates = [
  ['inbox', '/desk', deskReady((p) => p.getByRole('list', { name: 'ご意見の一覧' }).waitFor())],
  ['inbox with a selected row', '/desk', deskReady(async (p) => {
    await p.getByRole('list', { name: 'ご意見の一覧' }).waitFor();
    await p.keyboard.press('j');
    await p.locator('#voice-list > li[aria-current="true"]').waitFor();
  })],
  ['voice page', async () => '/desk/voices/' + (await voiceByExternalId('W-001')).id,
    deskReady((p) => p.getByRole('heading', { name: '履歴' }).waitFor())],
  ['voice page with project suggestions open', async () => '/desk/voices/' + (await voiceByExternalId('W-002')).id,
    deskReady(async (p) => {
      await p.getByRole('combobox', { name: '別の事業を探す' }).pressSequentially('広報');
      await p.getByRole('listbox', { name: '事業の候補' }).getByRole('option').first().waitFor();
      await p.getByRole('combobox', { name: '別の事業を探す' }).press('ArrowDown');
    })],
  ['answered voice page', async () => '/desk/voices/' + (await voiceByExternalId('W-005')).id,
    deskReady((p) => p.getByRole('heading', { name: '回答', exact: true }).waitFor())],
  ['statistics', '/desk/stats', deskReady((p) => p.locator('figure.chart svg').first().waitFor())],
  ['import page', '/desk/import', deskReady((p) => p.getByLabel('ファイル').waitFor())],
  ['import page with a file read', '/desk/import', deskReady(async (p) => {
    await p.getByLabel('ファイル').setInputFiles({
      name: 'voices.csv', mimeType: 'text/csv',
      buffer: Buffer.from('受付番号,受付日,受付方法,ご意見,備考\nA-1,2025-09-01,メール,広報紙を大きな字で,\n'),
    });
    await p.getByRole('heading', { name: '列の対応' }).waitFor();
  })],
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

for (const [name, path, ready] of deskStates) {
  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    test(`axe finds no accessibility violation: desk ${name} (${size})`, async () => {
      if (!signedIn) signedIn = signIn(browser, USERS.clerk);
      await signedIn;
      const page = await newPage(browser, viewport);
      await page.goto(url(typeof path === 'function' ? await path() : path));
      await ready(page);
      assert.deepEqual(await violations(page), []);
    });
  }
}
