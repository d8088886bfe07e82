import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS, type ChatMessage } from '../../../src/protocol';
import type { WidgetModel } from '../../../src/widget/widget';
import { createFakeTransport, type FakeTransport } from '../../support/fake-transport';
import { mountWidget, press, typeInto, type MountedWidget } from '../../support/widget';

let w: MountedWidget;
let widget: WidgetModel;
let transport: FakeTransport;
const $ = (selector: string) => w.$(selector);
const $$ = (selector: string) => w.$$(selector);

const operatorMessage = (seq: number, text: string): ChatMessage => ({
  id: `o${seq}`,
  conversationId: 'c1',
  seq,
  changeSeq: seq,
  clientId: `oc${seq}`,
  author: 'operator',
  operator: { id: 'anna', name: 'Anna', title: 'Support' },
  text,
  createdAt: Date.UTC(2026, 0, 1, 10, seq),
});

function mountApp() {
  w = mountWidget();
  ({ widget, transport } = w);
}

function connectWith(messages: ChatMessage[] = [], operator = null as ChatMessage['operator'] | null) {
  w.connect({ messages, operator: operator ?? null });
}

async function type(text: string, key?: { key: string; shiftKey?: boolean }) {
  await typeInto($('textarea'), text);
  if (key) await press($('textarea'), key.key, { shiftKey: key.shiftKey });
}

beforeEach(() => {
  localStorage.clear();
  mountApp();
});
afterEach(() => w.unmount());

describe('header', () => {
  it('promises a reply time only while someone can answer; a chat waiting when nobody can says so', async () => {
    w.connect({ site: { typicalReplyMs: 120_000 } });
    await vi.waitFor(() => expect($('.expect')?.textContent).toBe('We usually reply in about 2 min.'));
    // Everyone left: no promise above the request form.
    act(() => transport.emit('availability', { online: false, reason: 'nobody' }));
    expect($('.expect')?.textContent ?? '').toBe('');

    // A chat already in line when everyone left: its place, and why nobody takes it.
    w.connect({ messages: [{ ...operatorMessage(1, 'x'), author: 'visitor', operator: undefined }] });
    act(() => transport.emit('availability', { online: false, reason: 'nobody' }));
    act(() => transport.emit('queue', { conversationId: 'c1', position: 5, expectedWaitMs: null }));
    expect($('.expect')!.textContent).toBe('Your place in line: 5 · no one is online right now; we will answer here');
    act(() => transport.emit('availability', { online: true }));
    expect($('.expect')!.textContent).toBe('Your place in line: 5');
  });

  it('shows the site name until an operator is assigned; the greeting once, in the empty chat (defect 6)', () => {
    connectWith();
    expect($('.who strong')!.textContent).toBe('Demo Shop');
    expect($('.who span')).toBeNull();
    expect(w.root.textContent!.split('We reply in minutes')).toHaveLength(2);
    // Nobody can answer: the header promises nothing above the form.
    act(() => transport.emit('availability', { online: false, reason: 'nobody' }));
    expect(w.root.textContent).not.toContain('We reply in minutes');
    act(() =>
      transport.emit('operator:assigned', {
        id: 'anna',
        name: 'Anna',
        title: 'Support',
        avatar: 'https://cdn.example/a.png',
      }),
    );
    expect($('.who strong')!.textContent).toBe('Anna');
    expect($('.who span')!.textContent).toBe('Support');
    expect($('img.avatar')!.getAttribute('src')).toBe('https://cdn.example/a.png');
  });

  it('refuses an avatar URL that is not http(s)', () => {
    connectWith();
    act(() => transport.emit('operator:assigned', { id: 'x', name: 'X', avatar: 'javascript:alert(1)' }));
    expect($('img.avatar')).toBeNull();
  });
});

describe('message list', () => {
  it('opens an empty chat with the site’s greeting', () => {
    connectWith();
    expect($('.msg.greeting .bubble')!.textContent).toBe('We reply in minutes');
  });

  it('renders operator and visitor bubbles with their authors and times', () => {
    connectWith([operatorMessage(1, 'Hello!')]);
    expect($$('.msg.operator .bubble').map((b) => b.textContent)).toEqual(['Hello!']);
    expect($('.msg.operator .author')!.textContent).toBe('Anna');
    expect($('.msg.operator time')!.getAttribute('datetime')).toBe('2026-01-01T10:01:00.000Z');
  });

  it('renders markup in messages as text and only safe links as links', () => {
    connectWith([
      operatorMessage(1, '<img src=x onerror=alert(1)> see https://example.com/a?b=1. or javascript:alert(1)'),
    ]);
    const bubble = $('.bubble')!;
    expect(bubble.querySelector('img')).toBeNull();
    expect(bubble.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = [...bubble.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a?b=1']);
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('shows the operator typing, and the end of a chat', () => {
    connectWith([operatorMessage(1, 'Hi')], { id: 'anna', name: 'Anna' });
    act(() => transport.emit('typing', { typing: true }));
    expect($('.typing')!.textContent).toBe('Anna is typing…');
    act(() => transport.emit('typing', { typing: true }));
    act(() => transport.emit('conversation:closed', { conversationId: 'c1', reason: 'operator' }));
    // A normal end asks for a rating (see lifecycle.test.tsx); the typing line is gone.
    expect(widget.view.view.value).toBe('rating');
    expect(widget.conversation.operatorTyping.value).toBe(false);
  });
});

describe('composer', () => {
  it('sends on Enter, keeps Shift+Enter as a new line, and clears the draft', async () => {
    connectWith();
    await type('line one', { key: 'Enter', shiftKey: true });
    expect(transport.sent).toEqual([]);
    await type('line one\nline two', { key: 'Enter' });
    await vi.waitFor(() => expect(transport.sent.map((p) => p.text)).toEqual(['line one\nline two']));
    expect(($('textarea') as HTMLTextAreaElement).value).toBe('');
    await vi.waitFor(() => expect($$('.msg.visitor[data-state=sent]')).toHaveLength(1));
  });

  it('tells the operator the visitor is typing, and stops on send', async () => {
    connectWith();
    await type('hel');
    await type('hello', { key: 'Enter' });
    expect(transport.typingSignals).toEqual([true, false]);
  });

  it('keeps the draft across a remount (reload)', async () => {
    connectWith();
    await type('half-written question');
    w.unmount();
    mountApp();
    expect(($('textarea') as HTMLTextAreaElement).value).toBe('half-written question');
  });

  it('explains an over-long message and does not send it', async () => {
    connectWith();
    await type('x'.repeat(LIMITS.messageText + 3), { key: 'Enter' });
    expect($('.hint')!.textContent).toBe('3 characters over the limit');
    expect($('textarea')!.getAttribute('aria-invalid')).toBe('true');
    expect(transport.sent).toEqual([]);
  });
});

describe('delivery states', () => {
  it('shows an unsent message as failed with a retry that sends it again', async () => {
    connectWith();
    transport.reply = async () => ({ ok: false, error: { code: 'internal', message: 'db down' } });
    await type('please arrive', { key: 'Enter' });
    await vi.waitFor(() => expect($('.msg.visitor[data-state=failed]')).not.toBeNull());
    // Why, and the retry, come with their own chunk.
    await vi.waitFor(() => expect($('.msg.visitor .error')?.textContent).toBe('Not sent.'));

    transport.reply = createFakeTransport(transport.options).reply;
    await act(() => ($('.msg.visitor .meta button') as HTMLButtonElement).click());
    await vi.waitFor(() => expect($('.msg.visitor[data-state=sent]')).not.toBeNull());
    expect(transport.sent.map((p) => p.text)).toEqual(['please arrive', 'please arrive']);
  });

  it('says why a message was refused', async () => {
    connectWith();
    transport.reply = async () => ({ ok: false, error: { code: 'invalid', message: 'nope' } });
    await type('refused', { key: 'Enter' });
    await vi.waitFor(() => expect($('.msg.visitor .error')!.textContent).toBe('This message cannot be sent.'));
  });

  it('shows the connection state and keeps messages written offline', async () => {
    connectWith();
    act(() => transport.setConnected(false));
    expect($('.banner')!.textContent).toContain('No connection');
    await type('written offline', { key: 'Enter' });
    expect(transport.sent).toEqual([]);
    expect($('.msg.visitor .bubble')!.textContent).toBe('written offline');
    // What the banner promises: it waits, no red "Not sent", no retry to press.
    expect($('.msg.visitor')!.getAttribute('data-state')).toBe('waiting');
    expect($('.msg.visitor .meta')!.textContent).toBe('Waiting for connection…');
    expect($('.msg.visitor .error')).toBeNull();
    expect($('.msg.visitor .meta button')).toBeNull();
    act(() => transport.setConnected(true));
    expect($('.banner')).toBeNull();
  });
});

describe('panel', () => {
  it('is a labelled dialog that closes on Escape', async () => {
    connectWith();
    const panel = $('.panel')!;
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(panel.getAttribute('aria-label')).toBe('Chat with Demo Shop');
    expect($('.log')!.getAttribute('aria-live')).toBe('polite');
    await press(panel, 'Escape');
    expect(widget.panel.isOpen.value).toBe(false);
    expect(panel.hidden).toBe(true);
  });
});
