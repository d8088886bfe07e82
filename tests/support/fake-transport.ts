/**
 * A transport double for unit tests of the widget: records what the widget sends and
 * lets the test play the server's part through the same event table.
 */
import type {
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
    replyLead: async () => ({ ok: true, leadId: `lead-${fake.leads.length}` }),
    reply: async ({ clientId, text }) => ({
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
