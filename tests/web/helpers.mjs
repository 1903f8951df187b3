// Shared set-up for the browser tests: one Chromium per test file, driven by playwright-core.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.KOE_BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SCREENSHOT_DIR = process.env.KOE_SCREENSHOT_DIR || '';
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };

// Without the networking flags Chromium waits on update and sync services this offline
// machine cannot reach, and pages stall.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// `bypassCSP` only for tools a test injects into the page (axe-core): the pages themselves must
// run under koe's Content-Security-Policy, and newPage reports any violation as a problem.
export async function openBrowser({ bypassCSP = false } = {}) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'koe-web-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.KOE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: DESKTOP,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    bypassCSP,
  });
  context.setDefaultTimeout(15000);
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

// A page that records what a user must never meet: script errors and alert() dialogs.
export async function newPage(browser, viewport = DESKTOP) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  page.problems = [];
  page.dialogs = [];
  page.on('pageerror', (err) => page.problems.push('pageerror: ' + err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && msg.text().includes('Content Security Policy')) page.problems.push('csp: ' + msg.text());
  });
  // A page or asset that fails to load (API errors are the tests' own business).
  page.on('response', (res) => {
    if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith('/api/')) {
      page.problems.push(`http ${res.status()}: ${res.url()}`);
    }
  });
  page.on('dialog', async (d) => {
    page.dialogs.push(d.type() + ': ' + d.message());
    await d.dismiss();
  });
  return page;
}

export function url(path) {
  return BASE_URL + path;
}

// The visible result count, read the way a person reads it: 「…」の検索結果：12件
export async function resultCount(page) {
  const text = await page.getByRole('heading', { name: /の検索結果/ }).innerText();
  const m = text.replace(/,/g, '').match(/検索結果：\s*(\d+)\s*件/);
  if (!m) throw new Error('no count in heading: ' + text);
  return Number(m[1]);
}

export async function search(page, query) {
  const box = page.getByRole('searchbox', { name: 'キーワード' });
  await box.fill(query);
  await box.press('Enter');
  await page.getByRole('heading', { name: /の検索結果/ }).waitFor();
}

export async function projectIdByName(name) {
  const res = await fetch(url('/api/v1/projects'));
  const data = await res.json();
  const p = (data.projects || []).find((x) => x.name === name);
  if (!p) throw new Error('project not in /api/v1/projects: ' + name);
  return p.id;
}

export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name + '.png'), fullPage: true });
}

// The voice desk's users, made by run.sh with the CLI before the server starts.
export const USERS = {
  clerk: { name: 'clerk', password: 'clerk-pass-1' },
  division: { name: 'koho', password: 'koho-pass-1', division: '広報プロモーション課' },
  admin: { name: 'admin', password: 'admin-pass-1' },
  locked: { name: 'locked', password: 'locked-pass-1' },
};

// Signs the browser in as the login page would: the session cookie lands in its context.
export async function signIn(browser, user = USERS.clerk) {
  const res = await browser.context.request.post(url('/api/v1/login'), { data: { name: user.name, password: user.password } });
  if (!res.ok()) throw new Error(`login as ${user.name}: ${res.status()} ${await res.text()}`);
  return res.json();
}

// The desk's API as the clerk's token (run.sh issues it): set-up and checks from outside the page.
export async function deskApi(path, { method = 'GET', body } = {}) {
  const token = process.env.KOE_DESK_TOKEN;
  if (!token) throw new Error('KOE_DESK_TOKEN is not set (tests/web/run.sh sets it)');
  const res = await fetch(url(path), {
    method,
    headers: { Authorization: 'Bearer ' + token, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return { status: res.status, data };
}

// A voice received now through the API, for a test that changes it.
export async function newVoice(text, extra = {}) {
  const r = await deskApi('/api/v1/voices', { method: 'POST', body: { text, channel: 'email', ...extra } });
  if (r.status !== 201) throw new Error(`POST /api/v1/voices: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

export async function patchVoice(id, body) {
  const r = await deskApi('/api/v1/voices/' + id, { method: 'PATCH', body });
  if (r.status !== 200) throw new Error(`PATCH /api/v1/voices/${id}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

export async function getVoice(id) {
  return (await deskApi('/api/v1/voices/' + id)).data;
}

// A voice of tests/web/desk-voices.csv by its 受付番号.
export async function voiceByExternalId(externalId) {
  const r = await deskApi('/api/v1/voices?limit=200');
  const v = (r.data.voices || []).find((x) => x.external_id === externalId);
  if (!v) throw new Error('no voice ' + externalId);
  return v;
}
