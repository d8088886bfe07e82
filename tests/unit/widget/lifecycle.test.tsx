import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import { chime } from '../../../src/widget/sound';
import { messageOf as message } from '../../support/fixtures';
import { mountWidget, press, typeInto, type MountedWidget } from '../../support/widget';

vi.mock('../../../src/widget/sound', () => ({ chime: vi.fn() }));

let w: MountedWidget;

const click = (selector: string) => act(() => (w.$(selector) as HTMLButtonElement).click());
const closed = (reason: 'operator' | 'spam' | 'timeout') =>
  act(() => w.transport.emit('conversation:closed', { conversationId: 'c1', reason }));

beforeEach(async () => {
  localStorage.clear();
  await setLocale('en');
});
afterEach(() => w?.unmount());

describe('inside a conversation', () => {
  it('replies to an operator message with a quote', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'operator', 'Which colour do you need?')] });
    await click('.msg.operator .reply');
    expect(w.$('.replying')!.textContent).toContain('Replying to Anna');
    await typeInto(w.$('.composer textarea'), 'Blue, please');
    await press(w.$('.composer textarea'), 'Enter');
    await vi.waitFor(() =>
      expect(w.transport.sent).toEqual([expect.objectContaining({ text: 'Blue, please', replyTo: 'm1' })]),
    );
    expect(w.$('.replying')).toBeNull();
  });

  it('shows quotes, edits and deletes, live', () => {
    w = mountWidget();
    w.connect({
      messages: [
        message(1, 'visitor', 'Is it in stock?'),
        message(2, 'operator', 'Yes, 3 left', { replyTo: { id: 'm1', author: 'visitor', text: 'Is it in stock?' } }),
      ],
    });
    expect(w.$('[data-id=m2] .quote')!.textContent).toBe('YouIs it in stock?');

    act(() =>
      w.transport.emit('message:updated', message(2, 'operator', 'Yes, 2 left', { changeSeq: 3, editedAt: 1 })),
    );
    expect(w.$('[data-id=m2] .bubble')!.textContent).toContain('Yes, 2 left');
    expect(w.$('[data-id=m2] .edited')!.textContent).toBe('edited');

    // An older copy arriving late (a replay) does not undo the edit.
    act(() => w.transport.emit('message:new', message(2, 'operator', 'Yes, 3 left')));
    expect(w.$('[data-id=m2] .bubble')!.textContent).toContain('Yes, 2 left');

    act(() => w.transport.emit('message:updated', message(2, 'operator', '', { changeSeq: 4, deleted: true })));
    expect(w.$('[data-id=m2] .bubble')!.textContent).toBe('Message deleted');
  });

  it('marks the newest message the operator has read, and reports what the visitor read', () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'one'), message(2, 'visitor', 'two'), message(3, 'operator', 'hi')] });
    act(() => w.transport.emit('read', { conversationId: 'c1', seq: 2 }));
    expect(w.$$('.meta .read').map((e) => e.textContent)).toEqual(['Read']);
    expect(w.$('[data-id=m2] .read')).not.toBeNull();
    // The panel is open and visible: the visitor has read up to 3.
    expect(w.transport.reads).toContainEqual(['c1', 3]);
  });

  it('chimes when an operator writes first, where the site wants sound, and not mid-conversation', async () => {
    vi.mocked(chime).mockClear();
    w = mountWidget();
    w.connect({ sound: true });
    w.command('close');
    act(() => w.transport.emit('message:new', message(1, 'operator', 'Hello there')));
    // The chime is its own chunk, fetched when first due.
    await vi.waitFor(() => expect(chime).toHaveBeenCalledTimes(1));
    act(() => w.transport.emit('message:new', message(2, 'visitor', 'hi')));
    act(() => w.transport.emit('message:new', message(3, 'operator', 'How can I help?')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chime).toHaveBeenCalledTimes(1);
    w.unmount();

    w = mountWidget();
    w.connect({ sound: false });
    w.command('close');
    act(() => w.transport.emit('message:new', message(1, 'operator', 'Hello there')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chime).toHaveBeenCalledTimes(1);
  });

  it('shows a message arriving while closed as a teaser that opens the chat', async () => {
    w = mountWidget();
    w.connect();
    w.command('close');
    act(() => w.transport.emit('message:new', message(1, 'operator', 'Need help choosing?')));
    // The teaser is its own chunk, fetched when the first one is due.
    await vi.waitFor(() => expect(w.$('.teaser')?.textContent).toContain('Need help choosing?'));
    await click('.teaser-body');
    expect(w.widget.panel.isOpen.value).toBe(true);
    expect(w.$('.teaser')).toBeNull();
  });

  it('takes a message told twice (a resend the server tells again) as one: one event, one teaser, one chime', async () => {
    vi.mocked(chime).mockClear();
    w = mountWidget();
    w.connect({ sound: true });
    const heard: string[] = [];
    w.command('on', 'message', (event: { text: string }) => heard.push(event.text));
    w.command('close');
    act(() => w.transport.emit('message:new', message(1, 'operator', 'Need help choosing?')));
    await vi.waitFor(() => expect(w.$('.teaser')?.textContent).toContain('Need help choosing?'));
    await vi.waitFor(() => expect(chime).toHaveBeenCalledTimes(1));
    await click('.teaser .icon-button');
    expect(w.$('.teaser')).toBeNull();

    act(() => w.transport.emit('message:new', message(1, 'operator', 'Need help choosing?')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(w.$('.teaser')).toBeNull();
    expect(chime).toHaveBeenCalledTimes(1);
    expect(heard).toEqual(['Need help choosing?']);
    expect(w.widget.conversation.messages.value.map((m) => m.id)).toEqual(['m1']);
  });
});

describe('ending', () => {
  it('asks before the visitor ends a chat', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'thanks, bye')] });
    // The bar is a chunk of its own, loaded as the chat renders.
    await vi.waitFor(() => expect(w.$('.end-bar .link')).not.toBeNull());
    await click('.end-bar .link');
    // The question is a chunk of its own: it appears once loaded.
    await vi.waitFor(() => expect(w.$('.end-bar.confirm')!.textContent).toContain('End this chat?'));
    await click('.end-bar .link:not(.danger)');
    expect(w.transport.ended).toEqual([]);
    await click('.end-bar .link');
    await vi.waitFor(() => expect(w.$('.end-bar .danger')).not.toBeNull());
    await click('.end-bar .danger');
    await vi.waitFor(() => expect(w.transport.ended).toEqual(['c1']));
    expect(w.widget.view.view.value).toBe('rating');
  });

  it('puts focus on the safe answer, and Escape withdraws only the question', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'thanks, bye')] });
    w.command('open');
    await vi.waitFor(() => expect(w.$('.end-bar .link')).not.toBeNull());
    w.$('.end-bar .link')!.focus();
    await click('.end-bar .link');
    // Enter on the focused button must keep chatting, never end the chat.
    await vi.waitFor(() => expect(w.root.activeElement?.textContent).toBe('Keep chatting'));

    await act(() => {
      w.root.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(w.$('.end-bar.confirm')).toBeNull();
    expect(w.widget.panel.isOpen.value).toBe(true);
    expect(w.root.activeElement?.textContent).toBe('End chat');
    expect(w.transport.ended).toEqual([]);
  });

  it('rates with stars, invites a comment for a low score, and thanks', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'hi')] });
    closed('operator');
    await vi.waitFor(() => expect(w.$$('.star')).toHaveLength(5));
    expect(w.$$('.star').map((s) => s.getAttribute('aria-label'))).toEqual([
      '1 star',
      '2 stars',
      '3 stars',
      '4 stars',
      '5 stars',
    ]);
    await act(() => w.$$('.star')[1]!.click());
    await vi.waitFor(() => expect(w.transport.ratings).toEqual([{ conversationId: 'c1', score: 2, final: false }]));
    expect(w.$('.rating .field span')!.textContent).toBe('What went wrong? It helps us do better.');
    await typeInto(w.$('.rating textarea'), 'Slow answers');
    await click('.rating .primary');
    await vi.waitFor(() =>
      expect(w.transport.ratings.at(-1)).toEqual({
        conversationId: 'c1',
        score: 2,
        comment: 'Slow answers',
        final: true,
      }),
    );
    await vi.waitFor(() => expect(w.$('.notice')!.textContent).toBe('Thank you for your rating!'));
  });

  it('asks for the rating again after a reload until it is given', () => {
    w = mountWidget();
    w.connect({
      status: 'closed',
      closeReason: 'timeout',
      rating: { conversationId: 'c1', state: 'pending' },
      messages: [message(1, 'visitor', 'hi')],
      conversationId: 'c1',
    });
    expect(w.widget.view.view.value).toBe('rating');
  });

  it('after a spam close says the operator ended the chat, with no rating, chat or form', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'buy cheap pills')] });
    closed('spam');
    expect(w.$('.notice.ended')!.textContent).toBe('The operator ended the chat.');
    expect(w.$('.composer')).toBeNull();
    act(() => w.transport.emit('availability', { online: false, reason: 'nobody' }));
    expect(w.widget.view.view.value).toBe('blocked');
    expect(w.$('form.lead')).toBeNull();
    expect(w.$('.rating')).toBeNull();
  });

  it('returns to the chat without a reload when an operator undoes the spam mark', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'not spam, honestly')] });
    closed('spam');
    expect(w.$('.composer')).toBeNull();
    act(() => w.transport.emit('unblocked'));
    expect(w.widget.view.view.value).toBe('chat');
    expect(w.$('.notice.ended')).toBeNull();
    await typeInto(w.$('.composer textarea'), 'Thanks for letting me back');
    await press(w.$('.composer textarea'), 'Enter');
    await vi.waitFor(() =>
      expect(w.transport.sent).toEqual([expect.objectContaining({ text: 'Thanks for letting me back' })]),
    );
  });
});

describe('identity', () => {
  it('reset forgets the visitor and starts fresh without a reload', async () => {
    w = mountWidget();
    w.connect({ messages: [message(1, 'visitor', 'my secret order')] });
    const before = w.widget.session.visitorId.value;
    await typeInto(w.$('.composer textarea'), 'draft');
    w.command('reset');
    expect(w.widget.session.visitorId.value).not.toBe(before);
    expect(w.$$('.msg.visitor')).toEqual([]);
    expect(w.widget.chat.draft.value).toBe('');
    expect(localStorage.getItem('confab:demo:visitor')).toBe(JSON.stringify(w.widget.session.visitorId.value));
    expect(w.transport.restarts).toBe(1);
  });

  it('identify sends the token on the next connection; data-user-token on the first', () => {
    w = mountWidget({ userToken: 'a.b.c' } as never);
    expect(w.transport.auth().token).toBe('a.b.c');
    act(() => w.widget.identify('d.e.f'));
    expect(w.transport.auth().token).toBe('d.e.f');
    expect(w.transport.restarts).toBe(1);
  });

  it('a refused token is reported once and dropped', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    w = mountWidget({ userToken: 'x.y.z' } as never);
    w.transport.options.onIdentityRefused!('the token has expired');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toContain('the token has expired');
    expect(w.transport.auth().token).toBeUndefined();
    error.mockRestore();
  });
});
