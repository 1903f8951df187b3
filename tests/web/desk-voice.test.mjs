// ご意見 page: koe's suggestion and its evidence, the steps a status allows, the history, and
// a 409 when someone else changed the voice between page load and click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  openBrowser, newPage, url, signIn, newVoice, patchVoice, getVoice, deskApi, projectIdByName, PHONE,
} from './helpers.mjs';

let browser;
before(async () => {
  browser = await openBrowser();
  await signIn(browser);
});
after(async () => { await browser.close(); });

async function openVoice(page, id) {
  await page.goto(url('/desk/voices/' + id));
  await page.getByRole('heading', { name: '履歴' }).waitFor();
}

const historyItems = (page) => page.getByRole('list', { name: /履歴/ }).locator('> li');
const facts = (page) => page.locator('.facts');

async function statusIs(page, label) {
  await page.waitForFunction((l) => {
    const dd = [...document.querySelectorAll('.facts dt')].find((dt) => dt.textContent === '状態');
    return dd && dd.nextElementSibling.textContent.trim() === l;
  }, label);
}

test('the page shows the text, the record and koe\'s suggestion with its evidence', async () => {
  const externalId = 'T-' + Date.now(); // unique, so the file can run twice against one server
  const voice = await newVoice('ふるさと納税の返礼品に地元の和菓子を加えてほしい。連絡は042-626-3111まで。', { external_id: externalId, received_at: '2025-08-01' });
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByRole('heading', { level: 1, name: 'ご意見（受付番号 ' + externalId + '）' }).waitFor();
  // A clerk reads the original text; the masked text the 課 sees is one click away.
  assert.match(await page.locator('#voice-text').innerText(), /042-626-3111/);
  assert.match(await facts(page).innerText(), /2025年8月1日/);
  assert.match(await facts(page).innerText(), /メール/);
  const suggestion = page.getByRole('region', { name: 'koe の提案' });
  assert.match(await suggestion.locator('.route').innerText(), /担当の課：\s*広報プロモーション課/);
  assert.match(await suggestion.locator('.route').innerText(), /ふるさと納税/);
  assert.match(await suggestion.locator('.route').innerText(), /確信度：[高中低]/);
  assert.ok(await suggestion.locator('.evidence mark').count() > 0, 'the plan\'s sentences are highlighted');
  assert.ok(await suggestion.locator('.terms .tag').count() > 0, 'the matched words are listed');
  // A new voice cannot be answered or published yet: those steps are not offered.
  assert.equal(await page.getByRole('button', { name: '公開する' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '回答して回答済にする' }).count(), 0);
  assert.equal(await historyItems(page).count(), 1);
  assert.deepEqual(page.problems, []);
});

test('この振り分けで確定 confirms in one click, with the note, and the history grows', async () => {
  const voice = await newVoice('ふるさと納税の返礼品に八王子の織物を入れてほしい');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByLabel('メモ（任意）').fill('提案どおり');
  await page.getByRole('button', { name: 'この振り分けで確定' }).click();
  await statusIs(page, '振り分け確定');
  await page.locator('#change-done').waitFor();
  assert.equal(await historyItems(page).count(), 2);
  assert.match(await historyItems(page).last().innerText(), /振り分け確定[\s\S]*メモ：提案どおり/);
  assert.equal(await page.getByLabel('メモ（任意）').inputValue(), '');
  const after = await getVoice(voice.id);
  assert.equal(after.status, 'confirmed');
  assert.equal(after.route.project_id, voice.suggestion.route.project_id);
  // Now the confirmed voice may go to its 課; confirming again is not offered.
  await page.getByRole('button', { name: /担当課（広報プロモーション課）へ回付/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'この振り分けで確定' }).count(), 0);
});

test('another project is found by typing part of its name, picked with the keyboard, and confirmed', async () => {
  const voice = await newVoice('ふるさと納税の返礼品に姉妹都市の特産品を加えてほしい');
  const target = await projectIdByName('姉妹都市交流');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  const box = page.getByRole('combobox', { name: '別の事業を探す' });
  await box.pressSequentially('姉妹');
  const options = page.getByRole('listbox', { name: '事業の候補' }).getByRole('option');
  await options.first().waitFor();
  assert.match(await options.first().innerText(), /姉妹都市交流/);
  await box.press('ArrowDown');
  assert.equal(await box.getAttribute('aria-activedescendant'), await options.first().getAttribute('id'));
  await box.press('Enter');
  assert.equal(await box.inputValue(), '姉妹都市交流');
  await page.getByText('選んだ事業：姉妹都市交流（秘書課）').waitFor();
  await page.getByRole('button', { name: '選んだ事業で確定' }).click();
  await statusIs(page, '振り分け確定');
  assert.match(await facts(page).innerText(), /姉妹都市交流（秘書課）/);
  const after = await getVoice(voice.id);
  assert.equal(after.route.project_id, target);
  assert.equal(after.route.division, '秘書課');
});

test('a 課 alone can be chosen when no project fits', async () => {
  const voice = await newVoice('市役所の窓口の案内をわかりやすくしてほしい');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByLabel('事業を決めず、課だけを決める').selectOption('広聴課');
  await page.getByRole('button', { name: '選んだ課で確定' }).click();
  await statusIs(page, '振り分け確定');
  const after = await getVoice(voice.id);
  assert.equal(after.route.kind, 'division');
  assert.equal(after.route.division, '広聴課');
});

test('forward, answer, publish: each step on the page, each in the history', async () => {
  const voice = await newVoice('ふるさと納税の寄附金の使い道の報告を広報紙にも載せてほしい');
  await patchVoice(voice.id, { version: voice.version, route: { project_id: voice.suggestion.route.project_id }, status: 'confirmed' });
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  const before = await historyItems(page).count();

  await page.getByRole('button', { name: /へ回付$/ }).click();
  await statusIs(page, '担当課へ回付');
  assert.equal(await historyItems(page).count(), before + 1);

  await page.getByRole('button', { name: '回答して回答済にする' }).click();
  await page.getByText('回答を入力してください。').waitFor();
  await page.getByLabel('回答の文').fill('次号の広報はちおうじで寄附金の使い道をお知らせします。');
  await page.getByRole('button', { name: '回答して回答済にする' }).click();
  await statusIs(page, '回答済');
  await page.getByRole('region', { name: '回答' }).getByText('次号の広報はちおうじで').waitFor();
  assert.equal(await historyItems(page).count(), before + 2);

  await page.getByRole('button', { name: '公開する' }).click();
  await statusIs(page, '公開');
  assert.equal(await historyItems(page).count(), before + 3);
  await page.getByRole('button', { name: '公開を取り消す' }).waitFor();
  // A published voice is not forwarded or closed again from here.
  assert.equal(await page.getByRole('button', { name: /へ回付$/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '対象外として閉じる' }).count(), 0);
  const after = await getVoice(voice.id);
  assert.equal(after.status, 'published');
  assert.equal(after.answer, '次号の広報はちおうじで寄附金の使い道をお知らせします。');
  assert.match(await historyItems(page).last().innerText(), /公開/);
});

test('a voice for another body is referred with the body named', async () => {
  const voice = await newVoice('国道の信号の時間を長くしてほしい');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByRole('button', { name: '他機関へ移送' }).click();
  await page.getByText('移送先を入力してください。').waitFor();
  await page.getByLabel('移送先').fill('国土交通省');
  await page.getByRole('button', { name: '他機関へ移送' }).click();
  await statusIs(page, '他機関へ移送');
  assert.match(await facts(page).innerText(), /移送先：国土交通省/);
  const after = await getVoice(voice.id);
  assert.equal(after.status, 'referred');
  assert.equal(after.route.referral, '国土交通省');
  // Referred voices may only be reopened.
  await page.getByRole('button', { name: '受付に戻す' }).waitFor();
  assert.equal(await page.getByRole('button', { name: '他機関へ移送' }).count(), 0);
});

test('out of scope closes the voice; 受付に戻す reopens it', async () => {
  const voice = await newVoice('いつもありがとうございます');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByRole('button', { name: '対象外として閉じる' }).click();
  await statusIs(page, '対象外');
  await page.getByRole('button', { name: '受付に戻す' }).click();
  await statusIs(page, '受付');
  assert.equal((await getVoice(voice.id)).status, 'new');
  assert.equal(await historyItems(page).count(), 3);
});

test('a note alone is recorded without changing the status', async () => {
  const voice = await newVoice('姉妹都市との交流の様子をもっと知らせてほしい');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByLabel('メモ（任意）').fill('秘書課に相談する');
  await page.getByRole('button', { name: 'メモだけ記録する' }).click();
  await page.locator('#change-done').waitFor();
  assert.match(await historyItems(page).last().innerText(), /メモ：秘書課に相談する/);
  assert.equal((await getVoice(voice.id)).status, 'new');
});

test('a change made by someone else after the page loaded is a 409: the page says what changed and reloads', async () => {
  const voice = await newVoice('ふるさと納税の返礼品の発送が遅いので早くしてほしい');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  await page.getByLabel('メモ（任意）').fill('確認済み');
  // Another clerk closes it meanwhile, through the API.
  await patchVoice(voice.id, { version: voice.version, status: 'out_of_scope', note: '重複' });
  await page.getByRole('button', { name: 'この振り分けで確定' }).click();
  const notice = page.getByRole('alert').locator('.conflict');
  await notice.getByRole('heading', { name: 'ほかの人がこのご意見を変更しました' }).waitFor();
  const text = await notice.innerText();
  assert.match(text, /状態：受付 → 対象外/);
  assert.match(text, /メモ：重複/);
  assert.equal((await getVoice(voice.id)).status, 'out_of_scope');
  await notice.getByRole('button', { name: '最新の内容を読み込む' }).click();
  await statusIs(page, '対象外');
  // What the clerk typed is still there.
  assert.equal(await page.getByLabel('メモ（任意）').inputValue(), '確認済み');
  await page.getByRole('button', { name: '受付に戻す' }).click();
  await statusIs(page, '受付');
  const after = await getVoice(voice.id);
  assert.equal(after.version, voice.version + 2);
});

test('an unknown voice says so', async () => {
  const page = await newPage(browser);
  await page.goto(url('/desk/voices/999999'));
  await page.getByText('このご意見は見つかりませんでした', { exact: false }).waitFor();
});

test('HTML in a voice is shown as text, never run', async () => {
  const voice = await newVoice('<img src=x onerror=alert(1)>ふるさと納税の返礼品について');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  assert.match(await page.locator('#voice-text').innerText(), /<img src=x/);
  assert.equal(await page.locator('main img').count(), 0);
  assert.deepEqual(page.dialogs, []);
});

test('the voice page fits a 375px phone without sideways scrolling', async () => {
  const voice = await newVoice('ふるさと納税の返礼品を増やしてほしい');
  const page = await newPage(browser, PHONE);
  await openVoice(page, voice.id);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width}px wide`);
});

test('a voice for another body shows koe\'s 担当窓口のご案内 and is referred there in one click', async () => {
  const voice = await newVoice('年金の受給の手続きがよくわかりません。年金の書類の書き方を教えてほしい。');
  const page = await newPage(browser);
  await openVoice(page, voice.id);
  const box = page.locator('#referral-guide');
  assert.match(await box.innerText(), /日本年金機構/);
  await box.getByRole('button', { name: /へ移送/ }).click();
  await statusIs(page, '他機関へ移送');
  const after = await getVoice(voice.id);
  assert.match(after.route.referral, /日本年金機構/);
  assert.deepEqual(page.problems, []);
});

test('a voice like one a clerk routed shows it, marked as a likely duplicate', async () => {
  const text = '市の審議会の委員に、子育て中の若い世代をもっと選んでほしい。平日の昼の会議には出られません。';
  const first = await newVoice(text);
  const projectId = await projectIdByName('広聴活動');
  await patchVoice(first.id, { version: first.version, route: { project_id: projectId }, status: 'confirmed' });
  const again = await newVoice(text);
  const page = await newPage(browser);
  await openVoice(page, again.id);
  const similar = page.getByRole('list', { name: '似た過去のご意見' });
  const item = similar.locator('li').first();
  assert.match(await item.innerText(), new RegExp('#' + first.id));
  assert.match(await item.innerText(), /重複の可能性/);
  assert.match(await item.innerText(), /広聴活動/);
  assert.deepEqual(page.problems, []);
});
