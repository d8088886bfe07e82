/**
 * The operator's connection and what it knows: every conversation of the site, the one
 * open on screen, who is typing, what is unread, what the search shows. The socket's
 * events feed small models (./models); the views read signals and call the actions here.
 */
import { computed, effect, signal, untracked } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import {
  LIMITS,
  OPERATOR_NAMESPACE,
  mergeByChange,
  newId,
  type ChatMessage,
  type ContextSnapshot,
  type ConversationSummary,
  type Lead,
  type LeadStatus,
  type OnlineVisitor,
  type OperatorProfile,
  type OperatorStatus,
  type TeamMember,
  type UploadSettings,
  type OperatorToServer,
  type SearchQuery,
  type ServerToOperator,
  type TranscriptFormat,
} from '../src/protocol';
import type { FileRef } from '../src/widget/attachments/files';
import { uploadFiles } from '../src/widget/attachments/upload';
import { alertFor } from './notify/alerts';
import { showDesktop } from './notify/desktop';
import { playChime } from './notify/sound';
import { createUnreadModel } from './models/attention';
import { createCannedModel } from './models/canned';
import {
  NO_CONVERSATION_FILTER,
  NO_LEAD_FILTER,
  matchesConversation,
  matchesLead,
  type ConversationFilter,
  type LeadFilter,
} from './models/filter';
import { sameSearch, searchQueryFor } from './models/server-search';
import { createSettingsModel } from './models/settings';
import { conversationLabel, leadLabel } from './models/visitor-label';

export type Tab = 'new' | 'mine' | 'all' | 'closed' | 'leads' | 'online';

export interface PendingReply {
  clientId: string;
  /** The conversation it goes to: it stays there while the operator looks at another. */
  conversationId: string;
  text: string;
  /** The message it answers (a quote). */
  replyTo?: string;
  /** Files going with the reply; their bytes wait in the session until they are sent. */
  files?: FileRef[];
  error?: string;
}

/** Texts kept per conversation for the search: what arrived or was opened in this session. */
const SEARCH_TEXTS_PER_CONVERSATION = LIMITS.historyReplay;

const pageVisible = () => document.visibilityState === 'visible';

/** The open chat shows one conversation, so sequence order is the whole order. */
const bySeq = (a: ChatMessage, b: ChatMessage) => a.seq - b.seq;

/** An upload refusal as the operator reads it. */
function uploadError(code: string, message: string): string {
  if (code === 'too_large') return 'not sent — the file is over the size limit';
  if (code === 'type_not_allowed') return 'not sent — this type of file is not allowed';
  if (code === 'rate_limited') return 'not sent — too many uploads at once, try again in a moment';
  return `not sent — ${message}`;
}

export function createOperatorSession(token: string, onUnauthorized: () => void) {
  const me = signal<OperatorProfile | null>(null);
  const connected = signal(false);
  /** The release of the first server heard is this page's; another one later means an upgrade. */
  let loadedRelease: string | undefined;
  /** The server now serves a newer console than this page runs: it offers a reload. */
  const outdated = signal(false);
  const conversations = signal<ReadonlyMap<string, ConversationSummary>>(new Map());
  const selectedId = signal<string | null>(null);
  const messages = signal<readonly ChatMessage[]>([]);
  /** The visitor's context when the open conversation began. */
  const context = signal<ContextSnapshot | null>(null);
  const pending = signal<PendingReply[]>([]);
  const typing = signal<Set<string>>(new Set());
  const tab = signal<Tab>('new');
  const status = signal<OperatorStatus>('available');
  const team = signal<TeamMember[]>([]);
  const leads = signal<Map<string, Lead>>(new Map());
  const selectedLeadId = signal<string | null>(null);
  const online = signal<Map<string, OnlineVisitor>>(new Map());
  /** The visitor message being answered with a quote. */
  const replyingTo = signal<ChatMessage | null>(null);
  const visible = signal(pageVisible());
  const conversationFilter = signal<ConversationFilter>(NO_CONVERSATION_FILTER);
  const leadFilter = signal<LeadFilter>(NO_LEAD_FILTER);
  const searchTexts = new Map<string, string[]>();
  /** What the site accepts as uploads (null: uploads off), from `hello`. */
  const uploads = signal<UploadSettings | null>(null);
  /** Bytes of files chosen or being sent, by upload key. */
  const fileBytes = new Map<string, Blob>();
  /** The server's search for the current filter: its hits, and the cursor of the next page. */
  const serverSearch = signal<{
    query: SearchQuery | null;
    hits: ReadonlySet<string>;
    /** The message that matched in each hit, where the server found one (the list shows it). */
    matches: ReadonlyMap<string, NonNullable<ConversationSummary['match']>>;
    next: string | null;
    state: 'idle' | 'searching' | 'done' | 'failed';
  }>({ query: null, hits: new Set(), matches: new Map(), next: null, state: 'idle' });
  /** Earlier conversations and requests of a visitor, from the server (across devices for a verified user). */
  const histories = signal<ReadonlyMap<string, { conversations: ReadonlySet<string>; leads: ReadonlySet<string> }>>(
    new Map(),
  );
  /** Conversations whose spam block was undone while this console was open (here or in a colleague's). */
  const unbanned = signal<ReadonlySet<string>>(new Set());

  const myId = computed(() => me.value?.id);
  const unread = createUnreadModel(localStorage, conversations, myId);
  const notifications = createSettingsModel(localStorage);
  const socket: Socket<ServerToOperator, OperatorToServer> = io(OPERATOR_NAMESPACE, {
    auth: { token },
    transports: ['websocket', 'polling'],
  });
  const canned = createCannedModel(localStorage, {
    save: (reply) => socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('canned:save', reply),
    remove: (id) => socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('canned:delete', { id }),
  });

  /**
   * Two summaries of one chat can cross on their way: with several server nodes each
   * tells its own change through Redis, and a change read after a commit can arrive after
   * one known at the commit. One of a lower revision than the summary shown is the older,
   * and would bring back what is no longer so (a message hidden, a read mark undone, the
   * previous operator) until the next change. The list is copied once for all of them.
   */
  const upsertAll = (summaries: readonly ConversationSummary[]) => {
    let next: Map<string, ConversationSummary> | undefined;
    for (const summary of summaries) {
      const shown = (next ?? conversations.value).get(summary.id);
      if (shown && summary.revision < shown.revision) continue;
      next ??= new Map(conversations.value);
      next.set(summary.id, summary);
    }
    if (next) conversations.value = next;
  };
  const upsert = (summary: ConversationSummary) => upsertAll([summary]);
  const upsertLead = (lead: Lead) => {
    const next = new Map(leads.value);
    next.set(lead.id, lead);
    leads.value = next;
  };
  const remember = (list: readonly ChatMessage[]) => {
    for (const m of list) {
      const texts = searchTexts.get(m.conversationId) ?? [];
      if (!m.deleted && m.text) texts.push(m.text);
      searchTexts.set(m.conversationId, texts.slice(-SEARCH_TEXTS_PER_CONVERSATION));
    }
  };
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const setTyping = (conversationId: string, on: boolean) => {
    clearTimeout(typingTimers.get(conversationId));
    const next = new Set(typing.value);
    if (on) {
      next.add(conversationId);
      typingTimers.set(
        conversationId,
        setTimeout(() => setTyping(conversationId, false), LIMITS.typingTtlMs),
      );
    } else next.delete(conversationId);
    typing.value = next;
  };
  const mergeOpen = (incoming: readonly ChatMessage[]) => {
    const id = selectedId.value;
    const mine = incoming.filter((m) => m.conversationId === id);
    if (mine.length) messages.value = mergeByChange(messages.value, mine, bySeq);
  };

  /** The chime and the desktop notification for one new visitor message. */
  const alert = (message: ChatMessage) => {
    // Do not disturb: the console stays quiet; the counts still show what is unread.
    if (status.value === 'dnd') return;
    const conversation = conversations.value.get(message.conversationId);
    const kind = alertFor(message, conversation, {
      me: myId.value,
      selectedId: selectedId.value,
      visible: visible.value,
    });
    if (!kind) return;
    const { sound, desktop } = notifications.settings.value;
    if (sound) playChime();
    if (desktop) {
      const who = conversation ? conversationLabel(conversation).name : 'A visitor';
      showDesktop(
        kind === 'new-chat' ? `New chat: ${who}` : `New message: ${who}`,
        message.text.slice(0, 140),
        message.conversationId,
        () => {
          tab.value = kind === 'new-chat' ? 'new' : 'mine';
          void select(message.conversationId);
        },
      );
    }
  };
  /**
   * The first message of a new chat can arrive just before its summary: wait for the
   * summary (who the visitor is, whose chat it is) a moment before alerting.
   */
  const awaitingSummary = new Map<string, { messages: ChatMessage[]; timer: ReturnType<typeof setTimeout> }>();
  const SUMMARY_WAIT_MS = 1000;
  const alertWhenKnown = (message: ChatMessage) => {
    if (conversations.value.has(message.conversationId)) return alert(message);
    const waiting = awaitingSummary.get(message.conversationId);
    if (waiting) return void waiting.messages.push(message);
    const timer = setTimeout(() => flushAlerts(message.conversationId), SUMMARY_WAIT_MS);
    awaitingSummary.set(message.conversationId, { messages: [message], timer });
  };
  const flushAlerts = (conversationId: string) => {
    const waiting = awaitingSummary.get(conversationId);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    awaitingSummary.delete(conversationId);
    waiting.messages.forEach(alert);
  };

  const handlers: ServerToOperator = {
    hello(hello) {
      me.value = hello.operator;
      status.value = hello.status;
      team.value = hello.team;
      conversations.value = new Map(hello.conversations.map((c) => [c.id, c]));
      leads.value = new Map(hello.leads.map((l) => [l.id, l]));
      online.value = new Map(hello.online.map((v) => [v.visitorId, v]));
      notifications.load(hello.operator.id);
      canned.load(hello.operator.id, hello.cannedReplies, hello.personalCannedReplies);
      unread.seed(hello.conversations, hello.operator.id);
      uploads.value = hello.uploads ?? null;
      if (hello.release) {
        loadedRelease ??= hello.release;
        outdated.value = hello.release !== loadedRelease;
      }
      if (selectedId.value) void select(selectedId.value);
    },
    'team:updated': (members) => (team.value = members),
    'lead:new': (lead) => upsertLead(lead),
    'lead:updated': (lead) => upsertLead(lead),
    'message:updated': (message) => mergeOpen([message]),
    read: ({ conversationId, seq }) => {
      const summary = conversations.value.get(conversationId);
      if (summary) upsert({ ...summary, visitorReadSeq: Math.max(summary.visitorReadSeq, seq) });
    },
    rating: ({ low: _, ...rating }) => {
      const summary = conversations.value.get(rating.conversationId);
      if (summary) upsert({ ...summary, rating });
    },
    'visitor:online': (visitor) => {
      const next = new Map(online.value);
      next.set(visitor.visitorId, visitor);
      online.value = next;
    },
    'visitor:page': (visitor) => {
      const next = new Map(online.value);
      next.set(visitor.visitorId, visitor);
      online.value = next;
    },
    // One who left alone is the one-visitor case of many leaving together.
    'visitor:offline': ({ visitorId }) => handlers['visitors:offline']({ visitorIds: [visitorId] }),
    // Many left together: the list is copied once for all of them.
    'visitors:offline': ({ visitorIds }) => {
      const next = new Map(online.value);
      for (const visitorId of visitorIds) next.delete(visitorId);
      online.value = next;
    },
    'canned:updated': (lists) => canned.replace(lists),
    'conversation:unbanned': ({ conversationId }) => {
      unbanned.value = new Set([...unbanned.value, conversationId]);
    },
    // A colleague passed me a chat: a chime (the chat shows their comment from its summary).
    'conversation:transferred'(note) {
      if (note.toOperatorId !== myId.value) return;
      if (status.value !== 'dnd' && notifications.settings.value.sound) playChime();
    },
    // One changed alone is the one-conversation case of a turn's changes.
    'conversation:updated': (summary) => handlers['conversations:updated']([summary]),
    'conversations:updated'(summaries) {
      upsertAll(summaries);
      for (const summary of summaries) {
        const shown = conversations.value.get(summary.id);
        // An older summary than the one shown says nothing new.
        if (shown && shown.revision > summary.revision) continue;
        followOpenChat(summary);
        // Read in another tab or device (when the server reports it): no longer unread here.
        if (summary.operatorReadSeq !== undefined) unread.read(summary.id, summary.operatorReadSeq);
        flushAlerts(summary.id);
      }
    },
    // One alone is the one-message case of a turn's messages.
    'message:new': (message) => handlers['messages:new']([message]),
    'messages:new'(incoming) {
      for (const message of incoming) {
        if (message.author === 'visitor' && typing.value.has(message.conversationId))
          setTyping(message.conversationId, false);
      }
      remember(incoming);
      mergeOpen(incoming);
      // Counted once per seq: only a message that is really new may chime.
      for (const message of incoming) if (unread.incoming(message)) alertWhenKnown(message);
      if (incoming.some((message) => message.conversationId === selectedId.value)) markRead();
    },
    typing: ({ conversationId, typing: on }) => setTyping(conversationId, on),
  };
  for (const event of Object.keys(handlers) as (keyof ServerToOperator)[]) socket.on(event, handlers[event] as never);
  socket.on('connect', () => (connected.value = true));
  socket.on('disconnect', () => (connected.value = false));
  socket.on('connect_error', (error) => {
    connected.value = false;
    if (error.message === 'unauthorized') onUnauthorized();
    else setTimeout(() => socket.connect(), 2000);
  });

  /** "On site" knows each visitor's open chat: the entry follows the chat opening and ending. */
  const followOpenChat = (summary: ConversationSummary) => {
    const visitor = online.value.get(summary.visitorId);
    if (!visitor) return;
    const conversationId =
      summary.status === 'open' ? summary.id : visitor.conversationId === summary.id ? null : visitor.conversationId;
    if (conversationId === visitor.conversationId) return;
    const next = new Map(online.value);
    next.set(visitor.visitorId, { ...visitor, conversationId });
    online.value = next;
  };

  const onVisibility = () => {
    visible.value = pageVisible();
    if (visible.value) markRead();
  };
  document.addEventListener('visibilitychange', onVisibility);
  // Back from the Requests tab, the chat is on screen again: what arrived meanwhile is read.
  const stopReadOnReturn = effect(() => {
    if (tab.value !== 'leads') untracked(markRead);
  });

  async function select(conversationId: string) {
    selectedId.value = conversationId;
    messages.value = [];
    context.value = null;
    replyingTo.value = null;
    const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('conversation:open', { conversationId });
    if (result.ok && selectedId.value === conversationId) {
      upsert(result.conversation);
      messages.value = mergeByChange([], result.messages, bySeq);
      context.value = result.context;
      searchTexts.delete(conversationId);
      remember(result.messages);
      unread.recount(conversationId, result.messages);
      markRead();
    }
  }

  /**
   * The conversation on screen in a visible tab is read: up to its last message. On the
   * Requests tab no chat is on screen, so nothing is read there.
   */
  function markRead() {
    const id = selectedId.value;
    const last = messages.value.at(-1);
    if (!id || !last || !pageVisible() || tab.peek() === 'leads') return;
    unread.read(id, last.seq);
    socket.volatile.emit('read', { conversationId: id, seq: last.seq });
  }

  /** Sends a reply, with files when given: each uploaded first, then one message with them all. */
  function reply(text: string, files: { file: Blob; ref: FileRef }[] = []) {
    const conversationId = selectedId.value;
    if (!conversationId || (!text.trim() && !files.length)) return;
    for (const { file, ref } of files) fileBytes.set(ref.key, file);
    const refs = files.map((f) => f.ref);
    const replyTo = replyingTo.value?.id;
    replyingTo.value = null;
    const item: PendingReply = {
      clientId: newId(),
      conversationId,
      text: text.trim(),
      ...(replyTo ? { replyTo } : {}),
      ...(refs.length ? { files: refs } : {}),
    };
    pending.value = [...pending.value, item];
    return deliver(item);
  }

  /** A reply that was not delivered, sent again under its client id: the server stores it once. */
  function sendAgain(clientId: string) {
    const item = pending.value.find((p) => p.clientId === clientId);
    if (!item?.error) return;
    const { error: _, ...again } = item;
    pending.value = pending.value.map((p) => (p === item ? again : p));
    return deliver(again);
  }

  /** Resolves once connected: a reply written offline waits for the connection, not for a timeout. */
  const connection = () =>
    socket.connected ? Promise.resolve() : new Promise<void>((resolve) => socket.once('connect', () => resolve()));

  async function deliver(item: PendingReply) {
    const { conversationId, clientId, replyTo } = item;
    const refs = item.files ?? [];
    const done = (patch: Partial<PendingReply> | null) =>
      (pending.value = pending.value.flatMap((p) =>
        p.clientId !== clientId ? [p] : patch ? [{ ...p, ...patch }] : [],
      ));
    try {
      await connection();
      let attachments: string[] | undefined;
      if (refs.length) {
        const uploaded = await uploadFiles(
          {
            grant: (payload) =>
              socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('upload:grant', { ...payload, conversationId }),
            read: async (key) => fileBytes.get(key),
          },
          refs,
          clientId,
        );
        if (!uploaded.ok) return done({ error: uploadError(uploaded.error.code, uploaded.error.message) });
        attachments = uploaded.ids;
      }
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('message:send', {
        conversationId,
        clientId,
        text: item.text,
        ...(replyTo ? { replyTo } : {}),
        ...(attachments ? { attachments } : {}),
      });
      if (result.ok) {
        done(null);
        for (const ref of refs) fileBytes.delete(ref.key);
        mergeOpen([result.message]);
        // Answering a new conversation takes it: follow it to "Mine".
        if (tab.value === 'new' && selectedId.value === conversationId) tab.value = 'mine';
      } else done({ error: result.error.message });
    } catch {
      done({ error: 'not delivered — check the connection' });
    }
  }

  const leadList = computed(() => {
    const list = [...leads.value.values()].sort((a, b) => b.createdAt - a.createdAt);
    return list.filter((lead) => matchesLead(lead, leadFilter.value, leadLabel(lead)));
  });
  const newLeadCount = computed(() => [...leads.value.values()].filter((l) => l.status === 'new' && !l.spam).length);

  /** The conversations of the current tab that pass the filter, newest first. */
  const list = computed(() => {
    const all = [...conversations.value.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    const mine = myId.value;
    const inTab = (c: ConversationSummary) =>
      tab.value === 'all'
        ? true
        : tab.value === 'closed'
          ? c.status === 'closed'
          : tab.value === 'mine'
            ? c.status === 'open' && c.operatorId === mine
            : c.status === 'open' && !c.operatorId;
    // Messages arrive outside signals; reading `messages` keeps the search fresh for the open chat.
    void messages.value;
    const hits = serverSearch.value.hits;
    const withoutText = { ...conversationFilter.value, query: '' };
    return all.filter((c) => {
      if (!inTab(c)) return false;
      const searchable = { label: conversationLabel(c).name, texts: searchTexts.get(c.id) };
      if (matchesConversation(c, conversationFilter.value, mine, searchable)) return true;
      // Found by the server in text the console never loaded: the other filters still apply.
      return hits.has(c.id) && matchesConversation(c, withoutText, mine, searchable);
    });
  });

  /** Asks the server for (the next page of) what the filter finds; hits join the known conversations. */
  async function searchServer(more = false) {
    const query = searchQueryFor(conversationFilter.value, myId.value);
    const current = serverSearch.value;
    if (!query) {
      serverSearch.value = { query: null, hits: new Set(), matches: new Map(), next: null, state: 'idle' };
      return;
    }
    if (more && (!current.next || !sameSearch(current.query, query))) return;
    serverSearch.value = {
      ...current,
      query,
      state: 'searching',
      ...(more ? {} : { hits: new Set(), matches: new Map(), next: null }),
    };
    try {
      const result = await socket
        .timeout(LIMITS.ackTimeoutMs)
        .emitWithAck('conversation:search', more ? { ...query, cursor: current.next! } : query);
      if (!sameSearch(serverSearch.value.query, query)) return;
      if (!result.ok) {
        serverSearch.value = { ...serverSearch.value, state: 'failed' };
        return;
      }
      const next = new Map(conversations.value);
      for (const c of result.conversations) if (!next.has(c.id)) next.set(c.id, c);
      conversations.value = next;
      const hits = new Set(more ? serverSearch.value.hits : []);
      const matches = new Map(more ? serverSearch.value.matches : []);
      for (const c of result.conversations) {
        hits.add(c.id);
        if (c.match) matches.set(c.id, c.match);
      }
      serverSearch.value = { query, hits, matches, next: result.next, state: 'done' };
    } catch {
      if (sameSearch(serverSearch.value.query, query)) serverSearch.value = { ...serverSearch.value, state: 'failed' };
    }
  }
  // The filter settles for a moment before the server is asked (typing a word is one search).
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  conversationFilter.subscribe(() => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void searchServer(), 300);
  });

  return {
    me,
    connected,
    outdated,
    conversations,
    selectedId,
    messages,
    pending,
    typing,
    tab,
    /** The current tab's conversations that pass the filter. */
    list,
    status,
    team,
    leads,
    leadList,
    newLeadCount,
    selectedLeadId,
    unread,
    notifications,
    canned,
    conversationFilter,
    leadFilter,
    serverSearch,
    /** The next page of the server's search for the current filter. */
    searchMore: () => searchServer(true),
    histories,
    /** Asks the server for the visitor's earlier conversations and requests (all devices of a verified user). */
    async loadHistory(visitorId: string) {
      try {
        const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('visitor:history', { visitorId });
        if (!result.ok) return;
        const known = new Map(conversations.value);
        for (const c of result.conversations) if (!known.has(c.id)) known.set(c.id, c);
        conversations.value = known;
        const knownLeads = new Map(leads.value);
        for (const lead of result.leads) if (!knownLeads.has(lead.id)) knownLeads.set(lead.id, lead);
        leads.value = knownLeads;
        const next = new Map(histories.value);
        next.set(visitorId, {
          conversations: new Set(result.conversations.map((c: ConversationSummary) => c.id)),
          leads: new Set(result.leads.map((l: Lead) => l.id)),
        });
        histories.value = next;
      } catch {
        // The loaded list still answers; the server's history comes with the next opening.
      }
    },
    unbanned,
    /** Undoes Spam for the visitor of a conversation: they may chat again. */
    async unban(conversationId: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('conversation:unban', { conversationId });
      if (result.ok) unbanned.value = new Set([...unbanned.value, conversationId]);
      return result.ok;
    },
    /** Saves the conversation as a file: text, or HTML of escaped text only. */
    async downloadTranscript(conversationId: string, format: TranscriptFormat) {
      const result = await socket
        .timeout(LIMITS.ackTimeoutMs)
        .emitWithAck('transcript:get', { conversationId, format });
      if (!result.ok) return false;
      const url = URL.createObjectURL(new Blob([result.transcript.body], { type: result.transcript.mime }));
      const link = Object.assign(document.createElement('a'), { href: url, download: result.transcript.filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return true;
    },
    pageVisible: visible,
    async setStatus(next: OperatorStatus) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('status:set', { status: next });
      if (result.ok) status.value = result.status;
    },
    async setLeadStatus(leadId: string, next: LeadStatus) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('lead:update', { leadId, status: next });
      if (result.ok) upsertLead(result.lead);
    },
    /** Loads the quarantined requests beside the others, for the Spam filter. */
    async loadSpam() {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('lead:spam', {});
      if (result.ok) for (const lead of result.leads) upsertLead(lead);
    },
    /** "Not spam": the request joins the list (every console hears `lead:new`) and the webhook fires. */
    async markNotSpam(leadId: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('lead:not-spam', { leadId });
      if (result.ok) upsertLead(result.lead);
    },
    select,
    reply,
    sendAgain,
    uploads,
    /** A fresh signed URL for an attachment whose URL expired. */
    async attachmentUrl(attachmentId: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('attachment:url', { attachmentId });
      return result.ok ? result : null;
    },
    typingSignal: (on: boolean) => {
      if (selectedId.value) socket.volatile.emit('typing', { conversationId: selectedId.value, typing: on });
    },
    online,
    context,
    replyingTo,
    markRead,
    /** Ends the open chat (as spam, too). Returns why it was refused (a colleague has it), or null. */
    async closeSelected(spam = false): Promise<string | null> {
      if (!selectedId.value) return null;
      try {
        const result = await socket
          .timeout(LIMITS.ackTimeoutMs)
          .emitWithAck('conversation:close', { conversationId: selectedId.value, spam });
        return result.ok ? null : result.error.message;
      } catch {
        return 'The server did not answer; try again.';
      }
    },
    async edit(messageId: string, text: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('message:edit', { messageId, text });
      if (result.ok) mergeOpen([result.message]);
      return result.ok;
    },
    async remove(messageId: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('message:delete', { messageId });
      if (result.ok) mergeOpen([result.message]);
    },
    /** The messages of another conversation (an earlier one of this visitor), without opening it. */
    async transcript(conversationId: string): Promise<readonly ChatMessage[] | null> {
      try {
        const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('conversation:open', { conversationId });
        return result.ok ? mergeByChange([], result.messages, bySeq) : null;
      } catch {
        return null;
      }
    },
    /**
     * Passes the open chat to a colleague or a group, with a comment for them. Returns
     * why it was refused (a colleague not available, a chat taken meanwhile), or null.
     */
    async transfer(target: { toOperatorId: string } | { toGroupId: string }, comment: string): Promise<string | null> {
      const conversationId = selectedId.value;
      if (!conversationId) return 'Choose a conversation first.';
      try {
        const result = await socket
          .timeout(LIMITS.ackTimeoutMs)
          .emitWithAck('conversation:transfer', { conversationId, ...target, comment });
        if (!result.ok) return result.error.message;
        upsert(result.conversation);
        return null;
      } catch {
        return 'The server did not answer; try again.';
      }
    },
    /** Writes first to a visitor on the site (seed 003). */
    async startWith(visitorId: string) {
      const result = await socket.timeout(LIMITS.ackTimeoutMs).emitWithAck('conversation:start', { visitorId });
      if (!result.ok) {
        // The visitor has a chat already (the list had not caught up): open that one.
        const open = online.value.get(visitorId)?.conversationId;
        if (open) await select(open);
        return;
      }
      upsert(result.conversation);
      tab.value = 'mine';
      await select(result.conversation.id);
    },
    disconnect: () => {
      document.removeEventListener('visibilitychange', onVisibility);
      stopReadOnReturn();
      socket.disconnect();
    },
  };
}

export type OperatorSession = ReturnType<typeof createOperatorSession>;
