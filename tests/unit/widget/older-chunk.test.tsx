/**
 * The lazy `older` chunk is not part of the open chat's size budget (bench/size.mjs counts
 * only static imports), so an open fetches it only when there is more history than the
 * opening frame shows.
 */
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageOf } from '../../support/fixtures';
import { mountWidget, type MountedWidget } from '../../support/widget';

const chunk = vi.hoisted(() => ({ loads: 0 }));
vi.mock('../../../src/widget/views/older', async (importOriginal) => {
  chunk.loads++;
  return importOriginal();
});

let w: MountedWidget;

const message = (seq: number) => messageOf(seq, 'operator', `message ${seq}`);
const history = (count: number) => Array.from({ length: count }, (_, i) => message(i + 1));
const ids = () => w.$$('.log .msg').map((m) => m.dataset.id);
const settle = async () => {
  for (let i = 0; i < 10; i++) await act(async () => void (await new Promise((resolve) => setTimeout(resolve, 5))));
};

beforeEach(() => localStorage.clear());
afterEach(() => w.unmount());

describe('the lazy older chunk', () => {
  it('is not requested by opening a short conversation, and is once it grows past the opening frame', async () => {
    w = mountWidget({}, { closed: true });
    w.connect({ messages: history(5) });
    w.command('open');
    await settle();
    await settle();
    expect(ids()).toHaveLength(5);
    expect(chunk.loads).toBe(0);

    // Messages arrive until there is more than the opening frame's 20: the rest renders.
    for (let seq = 6; seq <= 25; seq++) act(() => w.transport.emit('message:new', message(seq)));
    for (let turn = 0; turn < 20 && ids().length < 25; turn++) await settle();
    expect(chunk.loads).toBe(1);
    expect(ids()).toHaveLength(25);
    expect(ids()[0]).toBe('m1');
  });
});
