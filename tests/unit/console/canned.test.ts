import { describe, expect, it } from 'vitest';
import { cannedQuery } from '../../../console/composer';
import { CANNED_LIMITS, cannedKey, createCannedModel, searchCanned } from '../../../console/models/canned';

const replies = [
  { id: '1', title: 'Shipping times', text: 'We ship within 2–3 days.' },
  { id: '2', title: 'Refunds', text: 'Refunds take up to 14 days; shipping is not refunded.' },
  { id: '3', title: 'Greeting', text: 'Hello! How can I help?' },
];

describe('canned replies', () => {
  it('finds by title and text, titles starting with the query first', () => {
    expect(searchCanned(replies, 'ship').map((r) => r.id)).toEqual(['1', '2']);
    expect(searchCanned(replies, 'help').map((r) => r.id)).toEqual(['3']);
    expect(searchCanned(replies, '').map((r) => r.title)).toEqual(['Greeting', 'Refunds', 'Shipping times']);
    expect(searchCanned(replies, 'nothing')).toEqual([]);
  });

  it('opens the search only for a leading "/" on a single line', () => {
    expect(cannedQuery('/')).toBe('');
    expect(cannedQuery('/ship')).toBe('ship');
    expect(cannedQuery('see /ship')).toBeNull();
    expect(cannedQuery('/ship\nmore')).toBeNull();
  });

  it("keeps each operator's own replies in localStorage, within the limits", () => {
    localStorage.clear();
    const model = createCannedModel(localStorage);
    model.load('anna', [{ id: 's1', title: 'Team hello', text: 'Hi from the team' }]);
    expect(model.save('  Thanks ', ' Thank you for waiting! ')).toBeNull();
    expect(model.save('', 'text')).toMatch(/title and a text/);
    expect(model.save('x'.repeat(CANNED_LIMITS.title + 1), 'text')).toMatch(/longer than/);
    expect(model.all.value.map((r) => [r.title, r.shared ?? false])).toEqual([
      ['Team hello', true],
      ['Thanks', false],
    ]);
    const saved = JSON.parse(localStorage.getItem(cannedKey('anna'))!) as { id: string; title: string; text: string }[];
    expect(saved.map((r) => [r.title, r.text])).toEqual([['Thanks', 'Thank you for waiting!']]);

    // Editing replaces in place; another operator sees none of it.
    expect(model.save('Thanks', 'Thanks for your patience.', saved[0]!.id)).toBeNull();
    expect(model.personal.value.map((r) => r.text)).toEqual(['Thanks for your patience.']);
    const other = createCannedModel(localStorage);
    other.load('max');
    expect(other.all.value).toEqual([]);

    model.remove(saved[0]!.id);
    expect(JSON.parse(localStorage.getItem(cannedKey('anna'))!)).toEqual([]);
  });

  it('ignores a damaged store', () => {
    localStorage.setItem(cannedKey('anna'), '{not json');
    const model = createCannedModel(localStorage);
    model.load('anna');
    expect(model.personal.value).toEqual([]);
    localStorage.setItem(
      cannedKey('anna'),
      JSON.stringify([
        { id: 1, title: 'bad' },
        { id: 'ok', title: 'Fine', text: 'Yes' },
      ]),
    );
    model.load('anna');
    expect(model.personal.value.map((r) => r.id)).toEqual(['ok']);
  });
});

describe('canned replies kept on the server', () => {
  /** The operator socket's side, answering as the server does (ids given on create). */
  function server(refuse?: string) {
    const calls: string[] = [];
    let next = 0;
    return {
      calls,
      remote: {
        save: async (reply: { id?: string; title: string; text: string }) => {
          calls.push(`save ${reply.title}`);
          if (refuse) return { ok: false as const, error: { code: 'conflict' as const, message: refuse } };
          return {
            ok: true as const,
            reply: { id: reply.id ?? `srv-${++next}`, title: reply.title, text: reply.text },
          };
        },
        remove: async (id: string) => {
          calls.push(`delete ${id}`);
          return { ok: true as const, id };
        },
      },
    };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("moves this browser's old replies to the server once, then keeps none locally", async () => {
    localStorage.clear();
    localStorage.setItem(cannedKey('anna'), JSON.stringify([{ id: 'old', title: 'Old one', text: 'From before' }]));
    const { remote, calls } = server();
    const model = createCannedModel(localStorage, remote);
    model.load('anna', [], [{ id: 'kept', title: 'Kept', text: 'On the server already' }]);
    await settle();
    expect(calls).toEqual(['save Old one']);
    expect(model.personal.value.map((r) => [r.id, r.title])).toEqual([
      ['kept', 'Kept'],
      ['srv-1', 'Old one'],
    ]);
    expect(localStorage.getItem(cannedKey('anna'))).toBeNull();
  });

  it('shows a new reply at once with the id the server gives, and follows the other devices', async () => {
    localStorage.clear();
    const { remote } = server();
    const model = createCannedModel(localStorage, remote);
    model.load('anna', [], []);
    expect(model.save('Thanks', 'Thank you!')).toBeNull();
    expect(model.personal.value.map((r) => r.title)).toEqual(['Thanks']);
    await settle();
    expect(model.personal.value[0]!.id).toBe('srv-1');
    expect(localStorage.getItem(cannedKey('anna'))).toBeNull();
    model.replace({
      personal: [{ id: 'p2', title: 'From the phone', text: 'x' }],
      shared: [{ id: 's', title: 'T', text: 'y' }],
    });
    expect(model.all.value.map((r) => [r.title, r.shared ?? false])).toEqual([
      ['T', true],
      ['From the phone', false],
    ]);
  });

  it('puts the list back and says why when the server refuses', async () => {
    localStorage.clear();
    const { remote } = server('you have 200 replies already: delete one first');
    const model = createCannedModel(localStorage, remote);
    model.load('anna', [], []);
    expect(model.save('One too many', 'text')).toBeNull();
    await settle();
    expect(model.personal.value).toEqual([]);
    expect(model.failure.value).toBe('Not saved: you have 200 replies already: delete one first');
  });

  it('stays in localStorage with a server that does not keep them', () => {
    localStorage.clear();
    const { remote, calls } = server();
    const model = createCannedModel(localStorage, remote);
    model.load('anna', []);
    model.save('Local', 'only here');
    expect(calls).toEqual([]);
    expect(JSON.parse(localStorage.getItem(cannedKey('anna'))!)).toHaveLength(1);
  });
});
