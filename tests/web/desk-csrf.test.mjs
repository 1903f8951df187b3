// CSRF: with the session cookie alone, an unsafe request is refused (403 csrf_failed); the
// pages send the session's X-CSRF-Token, which only a page of this site can read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, newPage, url, signIn, newVoice, getVoice } from './helpers.mjs';

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser);
});
after(async () => { await browser.close(); });

test('a fetch without X-CSRF-Token is 403, the same fetch with it goes through', async () => {
  const voice = await newVoice('姉妹都市の交流の記録を図書館に置いてほしい');
  const page = await newPage(browser);
  await page.goto(url('/desk'));
  await page.getByRole('heading', { name: /条件に合うご意見/ }).waitFor();
  const result = await page.evaluate(async ({ id, version }) => {
    const patch = (headers) => fetch('/api/v1/voices/' + id, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ version, note: 'csrf test' }),
    });
    const without = await patch({});
    const wrong = await patch({ 'X-CSRF-Token': 'not-the-token' });
    const logout = await fetch('/api/v1/logout', { method: 'POST' });
    const token = (await (await fetch('/api/v1/session')).json()).csrf_token;
    const withToken = await patch({ 'X-CSRF-Token': token });
    return {
      without: [without.status, (await without.json()).error.code],
      wrong: wrong.status,
      logout: logout.status,
      withToken: withToken.status,
    };
  }, { id: voice.id, version: voice.version });
  assert.deepEqual(result.without, [403, 'csrf_failed']);
  assert.equal(result.wrong, 403);
  assert.equal(result.logout, 403, 'signing out needs the token too: a foreign page cannot sign a clerk out');
  assert.equal(result.withToken, 200);
  assert.equal((await getVoice(voice.id)).version, voice.version + 1);
});
