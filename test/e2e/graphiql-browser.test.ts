// GraphiQL in a real browser (Debian's chromium through playwright-core), as a new user meets
// it: the page renders with every request going to this server only, a query runs with a
// token typed into the Headers tab, and a subscription to a DIRECT room streams a message
// sent afterwards. In CI a missing chromium fails the suite; elsewhere the suite is skipped.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatApi, type SessionInfo } from '../support/chat-api.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CHROMIUM = '/usr/bin/chromium';
const inCI = !!process.env.CI && process.env.CI !== 'false';
const STEP_MS = 15_000;

describe.skipIf(!existsSync(CHROMIUM) && !inCI)('GraphiQL in chromium', () => {
  let server: TestServer;
  let api: ChatApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the page and its workers asked for, WebSockets included. */
  const requested: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    server = await startTestServer();
    api = new ChatApi(server.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    context = await browser.newContext();
    context.on('request', (request) => requested.push(request.url()));
    page = await context.newPage();
    page.on('websocket', (socket) => requested.push(socket.url()));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renders with no request leaving the server', async () => {
    const schemaLoaded = page.waitForResponse((response) => response.request().method() === 'POST' && response.url() === server.url);
    await page.goto(server.url);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: STEP_MS });
    expect((await schemaLoaded).status()).toBe(200);
    expect(requested.some((url) => url.includes('/graphiql/graphiql.') && url.endsWith('.js'))).toBe(true);
    expect(requested.filter((url) => !sameOrigin(url))).toEqual([]);
  }, 30_000);

  let ada: SessionInfo;
  let bob: SessionInfo;

  it('runs a query signed in with a token from the Headers tab', async () => {
    ada = await api.session('Ada Lovelace');
    bob = await api.session('Bob Browser');
    await setEditor(page.locator('.graphiql-query-editor .monaco-editor'), '{ me { name } }');
    await page.getByRole('button', { name: 'Headers', exact: true }).click();
    await setEditor(page.locator('section.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor'), `{"Authorization": "Bearer ${bob.token}"}`);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => responseText(page), { timeout: STEP_MS }).toContain('"name": "Bob Browser"');
  }, 30_000);

  it('streams a message sent to a DIRECT room after the subscription started', async () => {
    const room = await api.openDirectRoom(ada.token, bob.user.id);
    await setEditor(
      page.locator('.graphiql-query-editor .monaco-editor'),
      `subscription { messageAdded(roomId: "${room.id}") { text author { name } } }`,
    );
    await page.locator('.graphiql-execute-button').click();
    // Bob counts as online while his subscription runs: then it is listening.
    await eventually(async () => (await api.onlineUserIds()).includes(bob.user.id), 'bob subscribed', { attempts: 1000, intervalMs: 15 });
    await api.send(ada.token, room.id, 'hello from the test');
    await expect.poll(() => responseText(page), { timeout: STEP_MS }).toContain('"text": "hello from the test"');
    expect(await responseText(page)).toContain('"name": "Ada Lovelace"');
    expect(requested.filter((url) => !sameOrigin(url))).toEqual([]);
    expect(requested).toContain(server.wsUrl);
  }, 30_000);

  function sameOrigin(url: string): boolean {
    const { host, protocol } = new URL(url);
    return host === new URL(server.origin).host && (protocol === 'http:' || protocol === 'ws:');
  }
});

/** Replaces a Monaco editor's text as a paste would (typing would trigger auto-closing brackets). */
async function setEditor(editor: Locator, text: string): Promise<void> {
  await editor.locator('.view-lines').click();
  const keyboard = editor.page().keyboard;
  await keyboard.press('ControlOrMeta+A');
  await keyboard.press('Backspace');
  await keyboard.insertText(text);
}

/** The response pane's text; Monaco renders spaces as no-break spaces. */
async function responseText(page: Page): Promise<string> {
  const text = await page.locator('.graphiql-response .view-lines').textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}
