/**
 * A transport double for unit tests of the widget: records what the widget sends and
 * lets the test play the server's part through the same event table.
 */
import type {
  Attachment,
  LeadAck,
  LeadPayload,
  PageContext,
  RatingPayload,
  SendMessageAck,
  SendMessagePayload,
  ServerToVisitor,
  VisitorAuth,
} from '../../src/protocol';
import type { Transport, TransportOptions } from '../../src/widget/transport';

export interface FakeTransport extends Transport {
  options: TransportOptions;
  sent: SendMessagePayload[];
  leads: LeadPayload[];
  pages: PageContext[];
  typingSignals: boolean[];
  ratings: RatingPayload[];
  ended: string[];
  reads: [string, number][];
  restarts: number;
  /** Calls of connect(): consent given. */
  connects: number;
  /** Answers the next lead submissions; default: stored. */
  replyLead: (payload: LeadPayload) => Promise<LeadAck>;
  /** Answers the next sends; default: store and ack. */
  reply: (payload: SendMessagePayload) => Promise<SendMessageAck>;
  /** Calls of `request` (upload grants, attachment URLs, transcripts, history pages), in order. */
  requests: { event: string; payload: unknown }[];
  /** Answers the next `request` calls; default: refused as invalid. */
  answer: (event: Parameters<Transport['request']>[0], payload: unknown) => Promise<unknown>;
  /** Plays a server event. */
  emit<E extends keyof ServerToVisitor>(event: E, ...args: Parameters<ServerToVisitor[E]>): void;
  setConnected(connected: boolean): void;
  auth(): VisitorAuth;
  /** Handlers still registered for server events. */
  handlerCount(): number;
  closed: boolean;
}

export function createFakeTransport(options: TransportOptions): FakeTransport {
  const handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  let connected = false;
  let seq = 0;
  const fake: FakeTransport = {
    options,
    sent: [],
    leads: [],
    pages: [],
    typingSignals: [],
    ratings: [],
    ended: [],
    reads: [],
    restarts: 0,
    connects: 0,
    requests: [],
    answer: async () => ({ ok: false, error: { code: 'invalid', message: 'no answer set' } }),
    async request(event, payload) {
      fake.requests.push({ event, payload });
      return (await fake.answer(event, payload)) as never;
    },
    replyLead: async () => ({ ok: true, leadId: `lead-${fake.leads.length}` }),
    reply: async ({ clientId, text, attachments }) => ({
      ok: true,
      message: {
        id: `m-${clientId}`,
        conversationId: 'c1',
        seq: ++seq,
        changeSeq: seq,
        clientId,
        author: 'visitor',
        text,
        createdAt: 1000 + seq,
        ...(attachments ? { attachments: attachments.map((id) => attachmentOf(id)) } : {}),
      },
    }),
    on(event, handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(handler as never);
      return () => handlers.get(event)!.delete(handler as never);
    },
    async send(payload) {
      fake.sent.push(payload);
      return fake.reply(payload);
    },
    async submitLead(payload) {
      fake.leads.push(payload);
      return fake.replyLead(payload);
    },
    page: (page) => void fake.pages.push(page),
    async endConversation(conversationId) {
      fake.ended.push(conversationId);
      return { ok: true, conversationId };
    },
    async rate(payload) {
      fake.ratings.push(payload);
      const { conversationId, score, comment, final } = payload;
      return {
        ok: true,
        rating: { conversationId, score, ...(comment ? { comment } : {}), state: final ? 'given' : 'draft' },
      };
    },
    async dismissRating(conversationId) {
      return { ok: true, rating: { conversationId, state: 'dismissed' } };
    },
    read: (conversationId, seq) => void fake.reads.push([conversationId, seq]),
    restart: () => void fake.restarts++,
    connect() {
      fake.connects++;
    },
    typing: (typing) => void fake.typingSignals.push(typing),
    get connected() {
      return connected;
    },
    reconnectNow() {},
    closed: false,
    close() {
      fake.closed = true;
    },
    handlerCount: () => [...handlers.values()].reduce((sum, set) => sum + set.size, 0),
    emit(event, ...args) {
      for (const handler of handlers.get(event) ?? []) handler(...args);
    },
    setConnected(value) {
      connected = value;
      options.onState(value ? 'online' : 'offline');
    },
    auth: () => options.auth(),
  };
  return fake;
}

/** What the server would store for an upload id: a file attachment with a download URL. */
export function attachmentOf(id: string, patch: Partial<Attachment> = {}): Attachment {
  return {
    id,
    kind: 'file',
    name: `${id}.pdf`,
    mime: 'application/pdf',
    size: 1234,
    url: `http://127.0.0.1:1/files/${id}?sig=x`,
    urlExpiresAt: Date.now() + 3_600_000,
    ...patch,
  };
}
