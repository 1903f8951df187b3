// ログイン page and the desk's door: a page of the desk without a session goes to the login
// page, which brings the clerk back after; wrong passwords and locks are said in Japanese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, USERS } from './helpers.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser.close(); });

async function fillLogin(page, name, password) {
  await page.getByLabel('名前').fill(name);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

test('an unauthenticated visit to /desk goes to the login page, with the way back in next', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk'));
  await page.waitForURL((u) => u.pathname === '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/desk');
  await page.getByRole('heading', { level: 1, name: 'ログイン' }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('a wrong password is refused with a Japanese message, and the password field is emptied', async () => {
  const page = await newPage(browser);
  await page.goto(url('/login'));
  await fillLogin(page, USERS.clerk.name, 'not-the-password');
  const alert = page.getByRole('alert');
  await alert.getByText('名前かパスワードが違います。').waitFor();
  assert.equal(await page.getByLabel('パスワード').inputValue(), '');
  assert.equal(new URL(page.url()).pathname, '/login');
});

test('an empty field is caught before anything is sent', async () => {
  const page = await newPage(browser);
  await page.goto(url('/login'));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('alert').getByText('名前とパスワードを入力してください。').waitFor();
  assert.equal(await page.getByLabel('名前').getAttribute('aria-invalid'), 'true');
});

test('a locked name is told how long to wait', async () => {
  const page = await newPage(browser);
  await page.goto(url('/login'));
  // Five failures lock the name (desk::LoginPolicy); then even the right password waits.
  for (let i = 0; i < 5; i++) {
    await fillLogin(page, USERS.locked.name, 'wrong-' + i);
    await page.getByRole('alert').getByText(/名前かパスワードが違います|しばらくログインできません/).waitFor();
  }
  await fillLogin(page, USERS.locked.name, USERS.locked.password);
  const alert = page.getByRole('alert');
  await alert.getByText('ログインの失敗が続いたため、しばらくログインできません。', { exact: false }).waitFor();
  assert.match(await alert.innerText(), /約\d+(秒|分)後にもう一度お試しください/);
});

test('signing in goes to the inbox, shows who is signed in, and signing out ends the session', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk'));
  await page.waitForURL((u) => u.pathname === '/login');
  await fillLogin(page, USERS.clerk.name, USERS.clerk.password);
  await page.waitForURL((u) => u.pathname === '/desk');
  await page.getByRole('heading', { level: 1, name: '受付一覧' }).waitFor();
  const header = page.locator('#desk-user');
  await header.getByText(USERS.clerk.name).waitFor();
  assert.match(await header.innerText(), /広聴課/);
  // The session cookie is HttpOnly: the page's script cannot read it.
  assert.equal(await page.evaluate(() => document.cookie), '');

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.goto(url('/desk/stats'));
  await page.waitForURL((u) => u.pathname === '/login');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/desk/stats');
  assert.deepEqual(page.problems, []);
});

test('after signing in the page named in next opens; a next on another site is ignored', async () => {
  const page = await newPage(browser);
  await page.goto(url('/login?next=' + encodeURIComponent('/desk/stats?from=2025-04-01')));
  await fillLogin(page, USERS.clerk.name, USERS.clerk.password);
  await page.waitForURL((u) => u.pathname === '/desk/stats');
  assert.equal(new URL(page.url()).searchParams.get('from'), '2025-04-01');
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL((u) => u.pathname === '/login');

  for (const next of ['//example.com/desk', 'https://example.com/', '/\\example.com']) {
    await page.goto(url('/login?next=' + encodeURIComponent(next)));
    await fillLogin(page, USERS.clerk.name, USERS.clerk.password);
    await page.waitForURL((u) => u.pathname === '/desk');
    assert.equal(new URL(page.url()).host, new URL(url('/')).host, next);
    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
  }
});
