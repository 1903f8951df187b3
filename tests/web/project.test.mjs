// 事業 page: the whole project, and a way on to related projects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, projectIdByName, PHONE } from './helpers.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser.close(); });

test('the project page shows 事業名, 課, 施策 and every section', async () => {
  const id = await projectIdByName('ふるさと納税');
  const page = await newPage(browser);
  await page.goto(url('/projects/' + encodeURIComponent(id)));
  await page.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor();
  assert.match(await page.title(), /^ふるさと納税 - /);
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /担当課\s*広報プロモーション課/);
  assert.match(facts, /細施策名\s*シティプロモーションの推進/);
  for (const label of ['目的', '現状', '課題', '事業内容']) {
    await page.getByRole('heading', { level: 2, name: label, exact: true }).waitFor();
  }
  // List sections are real lists, so screen readers announce the items.
  const status = page.locator('section').filter({ has: page.getByRole('heading', { name: '現状', exact: true }) });
  assert.ok(await status.getByRole('listitem').count() >= 2);
  assert.match(await page.locator('main').innerText(), /返礼品/);
  assert.deepEqual(page.problems, []);
});

test('a related project link leads to that project page', async () => {
  const id = await projectIdByName('ふるさと納税');
  const page = await newPage(browser);
  await page.goto(url('/projects/' + encodeURIComponent(id)));
  const related = page.getByRole('complementary', { name: '関連する事業' });
  const link = related.getByRole('link').first();
  await link.waitFor();
  const name = (await link.innerText()).trim();
  await link.click();
  await page.waitForURL((u) => u.pathname !== '/projects/' + encodeURIComponent(id) && u.pathname.startsWith('/projects/'));
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('an unknown project says so politely and offers a way back', async () => {
  const page = await newPage(browser);
  await page.goto(url('/projects/no-such-project-0000'));
  await page.getByRole('heading', { level: 1, name: '事業が見つかりません' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'お探しの事業は見つかりませんでした' }).waitFor();
  await page.getByRole('link', { name: '検索ページへ戻る' }).waitFor();
});

test('the project page fits a 375px phone without sideways scrolling', async () => {
  const id = await projectIdByName('ふるさと納税');
  const page = await newPage(browser, PHONE);
  await page.goto(url('/projects/' + encodeURIComponent(id)));
  await page.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});
