// 検索 page, as a citizen uses it: type words, read results, narrow them, share the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, search, resultCount, PHONE } from './helpers.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser.close(); });

test('a search for ふるさと納税 lists the project ふるさと納税 with its 課', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await search(page, 'ふるさと納税');
  assert.ok(await resultCount(page) > 0);
  const results = page.getByRole('list', { name: '検索結果' });
  const projectLink = page.getByRole('link', { name: 'ふるさと納税', exact: true });
  const item = results.getByRole('article').filter({ has: projectLink }).first();
  await item.waitFor();
  assert.match(await item.getByRole('link').first().getAttribute('href'), /^\/projects\/[^/]+$/);
  assert.match(await item.innerText(), /広報プロモーション課/);
  // Hits are highlighted, and the query is kept in the URL for sharing.
  assert.ok(await page.locator('main mark').count() > 0);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'ふるさと納税');
  assert.deepEqual(page.problems, []);
});

test('a 課 filter narrows the results, updates the URL, and back undoes it', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await search(page, '市民');
  const before = await resultCount(page);
  const facets = page.getByRole('navigation', { name: '絞り込み' });
  await facets.getByRole('link', { name: /広報プロモーション課/ }).click();
  await page.waitForURL(/division=/);
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('division'), '広報プロモーション課');
  assert.equal(new URL(page.url()).searchParams.get('q'), '市民');
  await page.getByRole('list', { name: '適用中の絞り込み' }).waitFor();
  const after = await resultCount(page);
  assert.ok(after > 0 && after <= before, `narrowed ${before} -> ${after}`);
  for (const text of await page.getByRole('article').allInnerTexts()) {
    assert.match(text, /広報プロモーション課/);
  }
  const selected = facets.getByRole('link', { name: /広報プロモーション課/ });
  assert.equal(await selected.getAttribute('aria-current'), 'true');

  // The filtered page is shareable: opening its URL afresh shows the same thing.
  const shared = await newPage(browser);
  await shared.goto(page.url());
  assert.equal(await resultCount(shared), after);
  await shared.close();

  await page.goBack();
  await page.waitForURL((u) => !u.searchParams.has('division'));
  await page.waitForFunction(() => !document.querySelector('.active-filters'));
  assert.equal(await resultCount(page), before);
  await page.goForward();
  await page.waitForURL(/division=/);
  await page.getByRole('list', { name: '適用中の絞り込み' }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('a 項目 filter shows the section label in Japanese and keeps only that section', async () => {
  const page = await newPage(browser);
  await page.goto(url('/?q=' + encodeURIComponent('市民')));
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
  const facets = page.getByRole('navigation', { name: '絞り込み' });
  await facets.getByRole('link', { name: /^課題/ }).click();
  await page.waitForURL(/kind=issues/);
  await page.getByRole('list', { name: '適用中の絞り込み' }).waitFor();
  for (const text of await page.getByRole('article').allInnerTexts()) {
    assert.match(text, /課題/);
  }
});

test('paging moves by ten and keeps the query in the URL', async (t) => {
  const page = await newPage(browser);
  await page.goto(url('/?q=' + encodeURIComponent('市民')));
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
  const total = await resultCount(page);
  if (total <= 10) {
    t.skip(`only ${total} results for 市民; nothing to page`);
    return;
  }
  const firstPage = await page.getByRole('article').first().innerText();
  await page.getByRole('navigation', { name: 'ページ送り' }).getByRole('link', { name: '次へ' }).click();
  await page.waitForURL(/offset=10/);
  await page.waitForFunction(() => /11〜/.test(document.getElementById('results-heading')?.textContent || ''));
  assert.notEqual(await page.getByRole('article').first().innerText(), firstPage);
  // Focus lands on the results heading so keyboard users start reading the new page.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results-heading');
});

test('HTML in a query is shown as text: no element injected, no dialog', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  const evil = '<img src=x onerror=alert(1)>広報';
  await search(page, evil);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img').count(), 0);
  assert.deepEqual(page.dialogs, []);
  assert.match(await page.getByRole('heading', { name: /の検索結果/ }).innerText(), /<img src=x onerror=alert\(1\)>広報/);
  assert.equal(await page.getByRole('searchbox', { name: 'キーワード' }).inputValue(), evil);
  assert.match(await page.title(), /<img src=x/);
  assert.deepEqual(page.problems, []);
});

test('a nonsense query says nothing was found and suggests what to try', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await search(page, 'ぬゎゑゐ');
  await page.locator('#results-area').getByText('に一致する情報は見つかりませんでした').waitFor();
  assert.equal(await resultCount(page), 0);
  assert.match(await page.locator('#results-area').innerText(), /ひらがな/);
  assert.equal(await page.getByRole('article').count(), 0);
});

test('several words with no hit suggest dropping one, as a link', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await search(page, 'ぬゎゑゐ ふるさと納税');
  const text = await page.locator('#results-area').innerText();
  if (/一致する情報は見つかりませんでした/.test(text)) {
    await page.getByRole('link', { name: '「ふるさと納税」' }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'ふるさと納税');
    assert.ok(await resultCount(page) > 0);
  } else {
    // The server relaxed the query itself; then it must say so.
    assert.match(text, /一部を含む結果/);
  }
});

test('an empty search asks for words instead of calling the API', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByRole('alert').filter({ hasText: '検索する言葉を入力してください' }).waitFor();
});

test('without a query the page lists every project as a way in', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.getByRole('heading', { name: '事業の一覧' }).waitFor();
  await page.getByRole('link', { name: 'ふるさと納税', exact: true }).click();
  await page.waitForURL(/\/projects\//);
  await page.getByRole('heading', { level: 1, name: 'ふるさと納税' }).waitFor();
});

test('the keyboard alone can search and reach a result, with a visible focus ring', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '本文へ移動');
  await page.getByRole('searchbox', { name: 'キーワード' }).focus();
  await page.keyboard.type('ふるさと納税');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
  await page.getByRole('searchbox', { name: 'キーワード' }).focus();
  await page.keyboard.press('Tab'); // 検索 button
  await page.keyboard.press('Tab'); // first link after it
  const outline = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName, style: getComputedStyle(el).outlineStyle };
  });
  assert.equal(outline.tag, 'A');
  assert.equal(outline.style, 'solid');
});

test('the search page fits a 375px phone without sideways scrolling', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(url('/?q=' + encodeURIComponent('ふるさと納税')));
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});

test('snippets keep only text and <mark>, even if the server ever sent other markup', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  const html = await page.evaluate(async () => {
    const { snippetNode } = await import('/static/common.js');
    return snippetNode('&lt;b&gt;<mark>返礼品</mark><img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a>').innerHTML;
  });
  assert.equal(html, '&lt;b&gt;<mark>返礼品</mark>alert(2)x');
  await page.waitForTimeout(200);
  assert.deepEqual(page.dialogs, []);
});
