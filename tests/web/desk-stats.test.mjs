// 集計 page: each chart is drawn (SVG bars) and has the same numbers in a table; the range
// lives in the URL and narrows every figure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, signIn, deskApi, PHONE } from './helpers.mjs';

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser);
});
after(async () => { await browser.close(); });

async function openStats(page, query = '') {
  await page.goto(url('/desk/stats' + query));
  await page.locator('figure.chart').first().waitFor();
}

// The table of the figure captioned `caption`: [[label, value], …] from its body rows.
async function tableOf(page, caption) {
  const figure = page.getByRole('figure', { name: caption });
  return figure.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('th').textContent, tr.querySelector('td').textContent,
  ]));
}

test('every chart is drawn, named, and has its numbers in a table', async () => {
  const page = await newPage(browser);
  await openStats(page);
  const stats = (await deskApi('/api/v1/stats')).data;
  const figures = page.locator('figure.chart');
  assert.equal(await figures.count(), 6);
  for (const f of await figures.all()) {
    const svg = f.locator('svg[role="img"]');
    if (!(await svg.count())) continue; // a chart with nothing to draw says so instead
    const name = await f.locator('figcaption').innerText();
    assert.equal(await svg.getAttribute('aria-labelledby'), await f.locator('figcaption').getAttribute('id'), name);
    assert.equal(await svg.locator('rect.bar').count(), await f.locator('table tbody tr').count(), name);
  }
  const byDivision = await tableOf(page, '課別の件数');
  assert.deepEqual(byDivision, stats.by_division.map((c) => [c.key || '（未振り分け）', c.count + '件']));
  const byStatus = await tableOf(page, '状態別の件数');
  assert.deepEqual(byStatus, stats.by_status.map((c) => [c.label, c.count + '件']));
  const byMonth = await tableOf(page, '月別の件数');
  assert.deepEqual(byMonth.map(([, v]) => v), stats.by_month.map((c) => c.count + '件'));
  assert.match(byMonth[0][0], /^\d{4}年\d{1,2}月$/);
  // The longest bar is the largest count.
  const widths = await page.getByRole('figure', { name: '状態別の件数' }).locator('rect.bar').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().width));
  const counts = stats.by_status.map((c) => c.count);
  assert.equal(widths.indexOf(Math.max(...widths)), counts.indexOf(Math.max(...counts)));
  // The backlog names the overdue days of the settings.
  await page.getByRole('figure', { name: '滞留：受付から' + stats.overdue_days + '日を過ぎて回答のないご意見（課別）' }).waitFor();
  const summary = await page.locator('.summary').innerText();
  assert.match(summary, new RegExp('受付件数\\s*' + stats.total + '件'));
  assert.match(summary, /提案の1位が正解/);
  assert.match(summary, /上位3件に正解/);
  assert.deepEqual(page.problems, []);
});

test('a from/to range is kept in the URL and narrows the figures', async () => {
  const page = await newPage(browser);
  await openStats(page);
  await page.getByLabel('受付日（から）').fill('2025-05-01');
  await page.getByLabel('受付日（まで）').fill('2025-06-30');
  await page.getByRole('button', { name: '集計する' }).click();
  await page.waitForURL((u) => u.searchParams.get('from') === '2025-05-01' && u.searchParams.get('to') === '2025-06-30');
  await page.getByText('期間：2025-05-01 〜 2025-06-30').waitFor();
  const stats = (await deskApi('/api/v1/stats?from=2025-05-01&to=2025-06-30')).data;
  assert.match(await page.locator('.summary').innerText(), new RegExp('受付件数\\s*' + stats.total + '件'));
  const byMonth = await tableOf(page, '月別の件数');
  assert.deepEqual(byMonth, [['2025年5月', stats.by_month[0].count + '件'], ['2025年6月', stats.by_month[1].count + '件']]);
  await page.reload();
  await page.getByText('期間：2025-05-01 〜 2025-06-30').waitFor();
  assert.equal(await page.getByLabel('受付日（から）').inputValue(), '2025-05-01');
});

test('the statistics fit a 375px phone without sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await openStats(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});
