/**
 * An operator on duty for a browser test file, as a real socket.io console client: the
 * site is staffed, so visitors get the chat; every visitor message that reaches operators
 * is kept, so a test can wait for one and answer it.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { newId, type ChatMessage } from '../../src/protocol';
import { visitorSays } from './browser';
import { connectOperator, onConsoleMessages } from './server';

export async function operatorOnDuty(url: string, login = 'max', password = 'demo') {
  const { socket } = await connectOperator(url, login, password);
  const arrived: ChatMessage[] = [];
  onConsoleMessages(socket, (message) => arrived.push(message));
  return {
    socket,
    arrived,
    /** The visitor on `page` writes `text`; resolves with its conversation once operators have it, once. */
    async visitorWrites(page: Page, text: string): Promise<string> {
      await visitorSays(page, text);
      await expect.poll(() => arrived.filter((message) => message.text === text).length).toBe(1);
      return arrived.find((message) => message.text === text)!.conversationId;
    },
    /** The operator answers in `conversationId`; the server acknowledges it stored. */
    async operatorReplies(conversationId: string, text: string): Promise<void> {
      const ack = await socket.timeout(3000).emitWithAck('message:send', { conversationId, clientId: newId(), text });
      expect(ack.ok).toBe(true);
    },
    disconnect: () => socket.disconnect(),
  };
}
