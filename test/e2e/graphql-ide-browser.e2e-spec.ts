import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { launchChromium } from '../support/chromium.js';
import { INITIATE_RECALL } from '../support/documents.js';
import { createTestApp, gqlOk, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/** What the page's functions below use of the browser (test/ is compiled without the DOM's types). */
interface BrowserGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
}
/** GraphiQL's query editor (CodeMirror 5), with the parse GraphiQL keeps on it. */
interface IdeEditor {
  documentAST?: { definitions: { operation?: string }[] } | null;
}

/**
 * The GraphQL IDE as a developer opens it on a network without the internet: chromium may reach the test
 * server and nothing else (every other request is aborted and listed), and the page must load, run its
 * query and show the result, with no Content-Security-Policy violation on the way.
 */
describe('the GraphQL IDE (GraphiQL from the service itself)', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    base = await listenOnLoopback(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('loads offline, runs its query and shows the result', async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    const served: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === new URL(base).origin) {
        served.push(new URL(url).pathname);
        return route.continue();
      }
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    try {
      await page.goto(`${base}/graphql`);
      const run = page.locator('.graphiql-execute-button');
      await run.waitFor({ timeout: 30_000 });
      expect(await page.locator('.graphiql-query-editor').innerText()).toContain('ledgerInfo');
      await run.click();
      const result = page.locator('.result-window');
      await page.waitForFunction("document.querySelector('.result-window')?.textContent.includes('ledgerInfo')", undefined, { timeout: 20_000 });
      expect((await result.innerText()).replace(/\s+/g, ' ')).toMatch(
        /^\{ "data": \{ "ledgerInfo": \{ "origin": "suyuan\.test\/ledger", "size": \d+, "verifierKey": "suyuan\.test\/ledger\+/,
      );
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
      expect(served).toEqual(expect.arrayContaining(['/graphql', '/graphiql/graphiql.min.js', '/graphiql/start.js']));
    } finally {
      await page.close();
    }
  });

  it('runs a subscription that needs a key, with the key typed under Headers as for a query, offline', async () => {
    const regulator = await createOrg(app, 'REGULATOR');
    const farm = await createOrg(app, 'PRODUCER');
    const batch = await registerBatch(app, farm, await registerProduct(app, farm), await registerFacility(app, farm));
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === new URL(base).origin) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    try {
      await page.goto(`${base}/graphql`);
      const run = page.locator('.graphiql-execute-button');
      await run.waitFor({ timeout: 30_000 });
      // The editors as a developer fills them: the key under Headers written as the page's hint writes it.
      const fill = (selector: string, text: string) =>
        page.evaluate(`document.querySelector(${JSON.stringify(selector)}).CodeMirror.setValue(${JSON.stringify(text)})`);
      await fill('.graphiql-query-editor .CodeMirror', 'subscription { recallIssued { id reason affectedBatches { id } } }');
      await fill('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify({ Authorization: `Bearer ${regulator.key}` }));
      // GraphiQL sends an operation over the websocket when its parse of the editor (kept on the editor, a moment after an edit) is a subscription.
      // (Functions, not strings: the page's CSP forbids eval, which a polled string needs.)
      await page.waitForFunction(() => {
        const editor = (globalThis as unknown as BrowserGlobals).document.querySelector('.graphiql-query-editor .CodeMirror') as {
          CodeMirror?: IdeEditor;
        } | null;
        return editor?.CodeMirror?.documentAST?.definitions[0]?.operation === 'subscription';
      });
      await run.click();
      // Subscribed once the socket is acknowledged: retry the recall until the IDE shows one (a recall made before the subscribe is not replayed).
      const reason = `IDE 订阅 ${Date.now()}`;
      const deadline = Date.now() + 20_000;
      let shown = false;
      while (!shown && Date.now() < deadline) {
        await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_3', reason } }, regulator.key);
        shown = await page
          .waitForFunction(
            (text) => !!(globalThis as unknown as BrowserGlobals).document.querySelector('.result-window')?.textContent?.includes(text),
            reason,
            {
              timeout: 2_000,
            },
          )
          .then(() => true)
          .catch(() => false);
      }
      const result = (await page.locator('.result-window').innerText()).replace(/\s+/g, ' ');
      expect(result).toContain(`"reason": "${reason}"`);
      expect(result).toContain(batch.id);
      expect(result).not.toMatch(/Socket closed|4401|AUTHENTICATION_REQUIRED/);
      expect(sockets).toEqual([`${base.replace(/^http/, 'ws')}/graphql`]);
      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("serves the IDE's files from node_modules (gzipped when asked), and nothing by another name", async () => {
    const server = app.getHttpServer();
    const script = await request(server).get('/graphiql/graphiql.min.js').set('accept-encoding', 'gzip');
    expect([script.status, script.headers['content-type'], script.headers['content-encoding']]).toEqual([200, 'text/javascript; charset=utf-8', 'gzip']);
    expect(script.text).toContain('GraphiQL');
    const unknown = await request(server).get('/graphiql/..%2Fpackage.json');
    expect(unknown.status).toBe(404);
    expect((await request(server).get('/graphiql/graphiql.min.js.map')).status).toBe(404);
    const page = await request(server).get('/graphql').set('accept', 'text/html');
    expect(page.text).not.toMatch(/https?:\/\/(?!localhost)/);
    expect(page.text).not.toMatch(/<script>/);
  });

  it('is absent where introspection is off (production by default), and present where it is turned on', async () => {
    const production = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://suyuan.test' };
    const closed = await createTestApp(db.url, production);
    try {
      const landing = await request(closed.getHttpServer()).get('/graphql').set('accept', 'text/html');
      expect(landing.text).not.toMatch(/graphiql/i);
      expect((await request(closed.getHttpServer()).get('/graphiql/graphiql.min.js')).status).toBe(404);
    } finally {
      await closed.close();
    }
    const opened = await createTestApp(db.url, { ...production, GRAPHQL_INTROSPECTION: 'true' });
    try {
      const landing = await request(opened.getHttpServer()).get('/graphql').set('accept', 'text/html');
      expect(landing.text).toContain('/graphiql/graphiql.min.js');
      expect((await request(opened.getHttpServer()).get('/graphiql/start.js')).status).toBe(200);
    } finally {
      await opened.close();
    }
  });
});
