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
