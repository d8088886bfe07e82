/**
 * A console left open while the server restarts, in Chromium against the real server: the
 * chat says the connection is lost and a reply written meanwhile goes out, once, when it is
 * back; after an upgrade (the server back with another console release) the console says
 * it is out of date and offers a reload, and the reloaded console says nothing.
 */
import { expect, it } from 'vitest';
import {
  DEMO_SITES,
  consoleAs,
  describeInBrowser,
  useBrowserAndServer,
  visitorSays,
  visitorWithChatOpen,
  widget,
} from '../support/browser';
import type { ServerOptions } from '../../server/src/server';

// Read by the harness at every start: changed between starts, it stands for an upgrade.
const serverOptions: Partial<ServerOptions> = { consoleRelease: 'release-one' };
let env: ReturnType<typeof useBrowserAndServer>;

describeInBrowser('a console open across server restarts', () => {
  env = useBrowserAndServer({ sites: DEMO_SITES, server: serverOptions });

  it('says the connection is lost, and sends a reply written meanwhile once it is back', async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'anna');
    const { page, ...visitor } = await visitorWithChatOpen(env.browser, env.url);
    await visitorSays(page, 'Is anyone there?');
    await console.locator('.list button', { hasText: 'Is anyone there?' }).click();
    const lost = console.locator('.connection-lost');
    await console.locator('.msg.visitor', { hasText: 'Is anyone there?' }).waitFor();
    expect(await lost.count()).toBe(0);

    await env.harness.stop();
    await lost.waitFor();
    expect(await lost.getAttribute('role')).toBe('status');
    await console.locator('textarea[name=reply]').fill('Yes, one moment');
    await console.locator('textarea[name=reply]').press('Enter');
    await console.locator('.msg.operator.pending', { hasText: 'Yes, one moment' }).waitFor();

    await env.harness.restart();
    await lost.waitFor({ state: 'detached', timeout: 15_000 });
    await widget(page).locator('.msg.operator', { hasText: 'Yes, one moment' }).waitFor({ timeout: 15_000 });
    await console.locator('.msg.operator:not(.pending)', { hasText: 'Yes, one moment' }).waitFor();
    expect(await console.locator('.msg.operator', { hasText: 'Yes, one moment' }).count()).toBe(1);
    expect(await widget(page).locator('.msg.operator', { hasText: 'Yes, one moment' }).count()).toBe(1);
    expect(operator.errors).toEqual([]);
    await visitor.context.close();
    await operator.context.close();
  });

  it('offers a reload once the server serves a newer console, and not after it', async () => {
    const { page: console, ...operator } = await consoleAs(env.browser, env.url, 'anna');
    const notice = console.locator('.outdated');
    await console.locator('.me .state', { hasText: 'online' }).waitFor();

    // The same release after a restart (a reconnect alone) is no reason to reload.
    await env.harness.restart();
    await console.locator('.me .state', { hasText: 'reconnecting' }).waitFor();
    await console.locator('.me .state', { hasText: 'online' }).waitFor({ timeout: 15_000 });
    expect(await notice.count()).toBe(0);

    serverOptions.consoleRelease = 'release-two';
    await env.harness.restart();
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.textContent()).toBe('The console was updated on the server. Reload');

    await Promise.all([console.waitForEvent('load'), notice.getByRole('button', { name: 'Reload' }).click()]);
    await console.locator('.me .state', { hasText: 'online' }).waitFor({ timeout: 15_000 });
    expect(await console.locator('.outdated').count()).toBe(0);
    expect(operator.errors).toEqual([]);
    await operator.context.close();
  });
});
