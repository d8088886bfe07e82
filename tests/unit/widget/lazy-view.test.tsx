/**
 * A view in a chunk of its own whose import fails (the network cut mid-visit) says so in
 * the visitor's language, and its Retry imports it again.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import { lazyView } from '../../../src/widget/views/lazy';

const host = document.createElement('div');
document.body.append(host);
afterEach(async () => {
  render(null, host);
  await setLocale('en');
});

/** An import that fails as the browser's does while offline, then, asked again, succeeds. */
function importFailingOnce() {
  const attempts = { count: 0 };
  const load = () =>
    ++attempts.count === 1
      ? Promise.reject(new TypeError('Failed to fetch dynamically imported module: /widget/rating-Ob9CRSL7.js'))
      : Promise.resolve(({ text }: { text: string }) => <p class="loaded">{text}</p>);
  return { attempts, load };
}

it.each([
  ['en', 'This could not be loaded. Check your connection.'],
  ['de', 'Das konnte nicht geladen werden. Prüfen Sie Ihre Verbindung.'],
])('in %s, a failed chunk says the part could not be loaded, not that the chat could not start', async (code, text) => {
  await setLocale(code);
  const { attempts, load } = importFailingOnce();
  const View = lazyView(load);
  act(() => render(<View text="the rating form" />, host));

  await vi.waitFor(() => expect(host.querySelector('[role=alert]')?.textContent).toContain(text));
  expect(attempts.count).toBe(1);
  expect(host.querySelector('.loaded')).toBeNull();

  await act(() => (host.querySelector('[role=alert] button') as HTMLButtonElement).click());
  await vi.waitFor(() => expect(host.querySelector('.loaded')?.textContent).toBe('the rating form'));
  expect(attempts.count).toBe(2);
  expect(host.querySelector('[role=alert]')).toBeNull();
});
