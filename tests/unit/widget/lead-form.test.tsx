import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../../src/i18n';
import { LEAD_MIN_FILL_MS, type LeadFormConfig } from '../../../src/protocol';
import { mountWidget, typeInto, type MountedWidget } from '../../support/widget';

let w: MountedWidget;

/** Nobody can answer; when that brings up the form, wait for its chunk to load. */
async function offline(reason: 'nobody' | 'hours' = 'nobody') {
  act(() => w.transport.emit('availability', { online: false, reason }));
  if (w.widget.view.view.value === 'form') await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
}
const online = () => act(() => w.transport.emit('availability', { online: true }));
const field = (name: string) => w.$(`[name=${name}]`) as HTMLInputElement | null;
const errorOf = (name: string) => w.$(`#confab-${name}-error`)?.textContent ?? null;
const submit = () => act(() => void w.$('form.lead')!.dispatchEvent(new Event('submit', { cancelable: true })));
async function check(name: string) {
  await act(() => {
    const box = field(name)!;
    box.checked = true;
    box.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
async function blur(name: string) {
  await act(() => void field(name)!.dispatchEvent(new FocusEvent('blur')));
}

beforeEach(async () => {
  localStorage.clear();
  await setLocale('en');
});
afterEach(() => w?.unmount());

describe('switching between chat and form', () => {
  it('shows the chat while someone is available and the form when nobody is, without a reload', async () => {
    w = mountWidget();
    w.connect();
    online();
    expect(w.$('textarea[aria-label="Your message"]')).not.toBeNull();
    await offline();
    expect(w.$('form.lead')).not.toBeNull();
    expect(w.$('.intro')!.textContent).toContain('No one can answer right now');
    await offline('hours');
    expect(w.$('.intro')!.textContent).toContain('We are closed now');
  });

  it('keeps a visitor who is already chatting in the chat when operators leave', async () => {
    w = mountWidget();
    w.connect();
    online();
    await typeInto(w.$('.composer textarea'), 'hello');
    await act(() => void w.$('.composer')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await vi.waitFor(() => expect(w.widget.conversation.status.value).toBe('open'));
    await offline();
    expect(w.$('form.lead')).toBeNull();
    expect(w.$('.composer')).not.toBeNull();
  });

  it('moves a half-written chat message into the form when operators leave', async () => {
    w = mountWidget();
    w.connect();
    online();
    await typeInto(w.$('.composer textarea'), 'Do you deliver on Sundays?');
    await offline();
    expect(field('message')!.value).toBe('Do you deliver on Sundays?');
  });

  it('offers the chat when an operator comes online, keeping what the visitor typed', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('phone'), '+7 701 123 45 67');
    await typeInto(field('message'), 'Call me about the sofa');
    online();
    // Still the form, with an offer: the visitor is not thrown out half-way.
    expect(w.$('form.lead')).not.toBeNull();
    expect(w.$('.offer')!.textContent).toContain('An operator is online now.');
    await act(() => (w.$('.offer button') as HTMLButtonElement).click());
    // The text moved with the phone (review m6): one copy, in the chat; the form keeps the contacts (defect 8).
    const composer = w.$('.composer textarea') as HTMLTextAreaElement;
    expect(composer.value).toBe('Call me about the sofa\n+7 701 123 45 67');
    expect(w.widget.request.form.value!.draft.value).toMatchObject({ phone: '+7 701 123 45 67', message: '' });
    // The visitor goes on typing where the chat is.
    await vi.waitFor(() => expect(w.root.activeElement).toBe(composer));
  });

  it('brings back what was typed in the chat when the form returns, not the old text (defect 8)', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('message'), 'Call me about the sofa');
    online();
    await act(() => (w.$('.offer button') as HTMLButtonElement).click());
    await typeInto(w.$('.composer textarea'), 'Call me about the blue sofa, please');
    await offline();
    expect(field('message')!.value).toBe('Call me about the blue sofa, please');
    expect(w.widget.chat.draft.value).toBe('');
  });
});

describe('the form', () => {
  it('renders fields by the site’s settings and prefills from data-name / data-email', async () => {
    const leadForm: LeadFormConfig = {
      fields: { name: 'hidden', phone: 'required', email: 'optional', message: 'optional' },
      privacyPolicyUrl: 'https://shop.example/privacy',
    };
    w = mountWidget({ name: 'Ann', email: 'ann@example.com' });
    w.connect({ leadForm });
    await offline();
    expect(field('name')).toBeNull();
    expect(field('phone')!.required).toBe(true);
    expect(field('email')!.value).toBe('ann@example.com');
    expect(w.$('.consent a')!.getAttribute('href')).toBe('https://shop.example/privacy');
    expect(w.$('.hp')!.getAttribute('aria-hidden')).toBe('true');
  });

  it('validates a field when the visitor leaves it, and clears the error once fixed', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('email'), 'ann@example');
    await blur('email');
    expect(errorOf('email')).toBe('Enter an e-mail like name@example.com.');
    expect(field('email')!.getAttribute('aria-invalid')).toBe('true');
    await typeInto(field('email'), 'ann@example.com');
    expect(errorOf('email')).toBeNull();
  });

  it('says by how much a field is too long, counting as the visitor shortens it, in their language', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('message'), 'x'.repeat(2010));
    await blur('message');
    expect(errorOf('message')).toBe('10 characters over the limit');
    await typeInto(field('message'), 'x'.repeat(2001));
    expect(errorOf('message')).toBe('1 character over the limit');
    await typeInto(field('message'), 'x'.repeat(2000));
    expect(errorOf('message')).toBeNull();
    await act(() => setLocale('ru'));
    await typeInto(field('name'), 'Я'.repeat(103));
    await blur('name');
    expect(errorOf('name')).toBe('На 3 символа больше допустимого');
  });

  it('shows the problem a field has now while it is typed: shortened but still wrong, or emptied', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('email'), `${'a'.repeat(250)}@example.com`);
    await blur('email');
    expect(errorOf('email')).toBe('8 characters over the limit');
    // Under the limit, not an address yet: no "0" or "-54 characters over the limit".
    await typeInto(field('email'), 'a'.repeat(200));
    expect(errorOf('email')).toBe('Enter an e-mail like name@example.com.');
    await typeInto(field('message'), 'x'.repeat(2001));
    await blur('message');
    expect(errorOf('message')).toBe('1 character over the limit');
    await typeInto(field('message'), '');
    expect(errorOf('message')).toBeNull();
  });

  it('explains every problem on submit, in the visitor’s language', async () => {
    w = mountWidget({ lang: 'ru' });
    await setLocale('ru');
    w.connect();
    await offline();
    await typeInto(field('phone'), '12');
    await submit();
    expect(w.$('.summary')!.textContent).toBe('Исправьте отмеченные поля.');
    expect(errorOf('phone')).toContain('от 7 до 15 цифр');
    expect(errorOf('consent')).toBe('Нам нужно ваше согласие, чтобы связаться с вами.');
    expect(w.transport.leads).toEqual([]);
  });

  it('asks once for a phone or an e-mail when neither is given (defect 5)', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('name'), 'Ann');
    await check('consent');
    await submit();
    const advice = w.root.textContent!.match(/phone number or an e-mail/g) ?? [];
    expect(advice).toHaveLength(1);
    expect(w.$('#confab-contact-hint')!.textContent).toBe('Leave a phone number or an e-mail so we can reach you.');
    expect(field('phone')!.getAttribute('aria-invalid')).toBe('true');
    expect(field('email')!.getAttribute('aria-invalid')).toBe('true');
    expect(field('phone')!.getAttribute('aria-describedby')).toBe('confab-contact-hint');
    // Right under the pair it is about, not after the message field.
    expect(w.$('#confab-contact-hint')!.previousElementSibling!.contains(field('email'))).toBe(true);
  });

  it('never offers "a phone or an e-mail" when one of the two is hidden (defect 5)', async () => {
    w = mountWidget();
    w.connect({ leadForm: { fields: { name: 'optional', phone: 'optional', email: 'hidden', message: 'optional' } } });
    await offline();
    expect(w.root.textContent).not.toContain('e-mail');
    await check('consent');
    await submit();
    expect(w.root.textContent).not.toContain('e-mail');
    expect(errorOf('phone')).toBe('Please fill this in.');
  });

  it('sends a valid request with its context and thanks the visitor', async () => {
    // Only the clock is faked: the fill time must look human.
    vi.useFakeTimers({ toFake: ['Date'] });
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('phone'), '+7 701 123 45 67');
    await typeInto(field('message'), 'Please call');
    await check('consent');
    vi.setSystemTime(Date.now() + LEAD_MIN_FILL_MS + 500);
    await submit();
    await vi.waitFor(() => expect(w.$('.thanks')?.textContent).toContain('Thank you!'));
    await vi.waitFor(() => expect(w.transport.leads).toHaveLength(1));
    const [lead] = w.transport.leads;
    expect(lead).toMatchObject({
      fields: { phone: '+7 701 123 45 67', message: 'Please call', consent: true },
      honeypot: '',
      context: { url: expect.stringMatching(/^http/) },
    });
    expect(lead!.elapsedMs).toBeGreaterThanOrEqual(LEAD_MIN_FILL_MS);
    await vi.waitFor(() => expect(w.widget.request.waiting.value).toEqual([]));
    vi.useRealTimers();
  });

  it('takes the keyboard into the form when the panel opens on it, and keeps it in the panel after sending', async () => {
    w = mountWidget({}, { closed: true });
    w.connect();
    await offline();
    const active = () => w.root.activeElement;
    // Closed, the form takes nothing: the page keeps its focus.
    expect(active()).toBeNull();
    w.command('open');
    await vi.waitFor(() => expect(active()).toBe(field('name')));

    // Someone came back, and the chat is offered; everyone left again while the visitor was in the
    // composer: the composer goes, the keyboard goes to the form.
    online();
    await act(() => void w.$('.offer button')!.click());
    await vi.waitFor(() => expect(w.$('.composer textarea')).not.toBeNull());
    w.$('.composer textarea')!.focus();
    await offline();
    await vi.waitFor(() => expect(active()).toBe(field('name')));

    // Sent: the form's button goes away, the keyboard stays in the panel, on the thank-you.
    await typeInto(field('email'), 'ann@example.com');
    await check('consent');
    field('email')!.focus();
    await submit();
    await vi.waitFor(() => expect(w.$('.thanks')).not.toBeNull());
    await vi.waitFor(() => expect(active()).toBe(w.$('.thanks')));
  });

  it('keeps a request sent offline and says it will go when the connection is back', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    act(() => w.transport.setConnected(false));
    await typeInto(field('email'), 'ann@example.com');
    await check('consent');
    await submit();
    await vi.waitFor(() =>
      expect(w.$('.thanks')?.textContent).toContain('will be sent as soon as the connection is back'),
    );
    expect(w.transport.leads).toEqual([]);
    expect(JSON.parse(localStorage.getItem('confab:demo:leadOutbox')!)).toHaveLength(1);

    // Back online: the server greets the connection with a session, and the outbox goes out.
    w.connect();
    await vi.waitFor(() => expect(w.transport.leads).toHaveLength(1));
    await vi.waitFor(() => expect(w.widget.request.waiting.value).toEqual([]));
  });

  it('puts a request the server refused back into the form with the server’s errors', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    w.transport.replyLead = async () => ({
      ok: false,
      error: { code: 'invalid', message: 'bad', fields: { email: 'email' } },
    });
    await typeInto(field('email'), 'ann@example.com');
    await check('consent');
    await submit();
    await vi.waitFor(() => expect(w.$('form.lead')).not.toBeNull());
    expect(field('email')!.value).toBe('ann@example.com');
    expect(errorOf('email')).toBe('Enter an e-mail like name@example.com.');
  });

  it('keeps what the visitor typed across a reload', async () => {
    w = mountWidget();
    w.connect();
    await offline();
    await typeInto(field('name'), 'Ann');
    await typeInto(field('message'), 'Half of my question');
    w.unmount();
    w = mountWidget();
    w.connect();
    await offline();
    expect(field('name')!.value).toBe('Ann');
    expect(field('message')!.value).toBe('Half of my question');
  });
});
