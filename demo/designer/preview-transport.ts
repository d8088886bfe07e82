/**
 * A transport for the designer's preview: no server, just the widget's real code fed
 * a scripted conversation for the state the designer picked.
 */
import { DEFAULT_LEAD_FORM, type ChatMessage, type ServerToVisitor, type VisitorSession } from '../../src/protocol';
import type { Transport, TransportOptions } from '../../src/widget/transport';

export type PreviewState = 'launcher' | 'unread' | 'chat' | 'form' | 'thanks' | 'rating' | 'ended' | 'spam';

const anna = { id: 'anna', name: 'Anna', title: 'Customer support', avatar: '/assets/avatar-anna.svg' };
let seq = 0;
const message = (author: 'visitor' | 'operator', text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `p${++seq}`,
  conversationId: 'preview',
  seq,
  changeSeq: seq,
  clientId: `preview-client-${seq}`,
  author,
  text,
  createdAt: Date.now() - (10 - seq) * 60_000,
  ...(author === 'operator' ? { operator: anna } : {}),
  ...extra,
});

function conversation(): ChatMessage[] {
  seq = 0;
  const question = message('visitor', 'Hi! Do you deliver on weekends?');
  return [
    question,
    message('operator', 'Hello! Yes, on Saturdays from 10 to 18.', {
      replyTo: { id: question.id, author: 'visitor', text: question.text },
    }),
    message('visitor', 'Great, thank you!'),
  ];
}

export function previewTransport(state: PreviewState, siteName: string) {
  return (options: TransportOptions): Transport => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const emit = <E extends keyof ServerToVisitor>(event: E, ...args: Parameters<ServerToVisitor[E]>) =>
      handlers.get(event)?.(...args);
    const messages = state === 'launcher' || state === 'form' || state === 'thanks' ? [] : conversation();
    const closed = state === 'rating' || state === 'ended' || state === 'spam';
    const session: VisitorSession = {
      site: {
        id: 'demo',
        name: siteName,
        greeting: 'Hi! Ask us anything — we reply in minutes.',
        leadForm: DEFAULT_LEAD_FORM,
      },
      conversationId: messages.length ? 'preview' : null,
      status: messages.length ? (closed ? 'closed' : 'open') : null,
      closeReason: closed ? (state === 'spam' ? 'spam' : 'operator') : null,
      operator: messages.length ? anna : null,
      messages,
      operatorReadSeq: messages.length ? 1 : 0,
      rating: state === 'rating' ? { conversationId: 'preview', state: 'pending' } : null,
      blocked: state === 'spam',
      verified: false,
    };
    setTimeout(() => {
      options.onState('online');
      emit('session', session);
      emit(
        'availability',
        state === 'form' || state === 'thanks' ? { online: false, reason: 'nobody' } : { online: true },
      );
      if (state === 'chat') emit('typing', { typing: true });
    });
    return {
      on(event, handler) {
        handlers.set(event, handler as never);
        return () => handlers.delete(event);
      },
      send: async ({ clientId, text }) => ({ ok: true, message: message('visitor', text, { clientId }) }),
      submitLead: async () => ({ ok: true, leadId: 'preview-lead' }),
      // The preview's site takes no uploads: nothing asks.
      request: async () => ({ ok: false, error: { code: 'invalid', message: 'not in the preview' } }) as never,
      page() {},
      endConversation: async (conversationId) => ({ ok: true, conversationId }),
      rate: async ({ conversationId, score, final }) => ({
        ok: true,
        rating: { conversationId, score, state: final ? 'given' : 'draft' },
      }),
      dismissRating: async (conversationId) => ({ ok: true, rating: { conversationId, state: 'dismissed' } }),
      read() {},
      typing() {},
      connected: true,
      reconnectNow() {},
      restart() {},
      connect() {},
      close() {},
    };
  };
}
