/**
 * One server for a whole integration test file, set up the same way in every file: started
 * before the tests, each test's sockets closed after it (with a pause where the file's
 * server has grace periods to run out), removed at the end. Clients made through it are
 * tracked, so no test leaves a connection open for the next.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  connectOperator,
  connectVisitor,
  socketTracker,
  startHarness,
  visitorSend,
  type ConnectOptions,
  type Harness,
  type HarnessOptions,
} from './server';

export interface TestServerOptions {
  /** A pause after each test's sockets close, for grace periods and sweeps to run out. */
  settleMs?: number;
}

export function useTestServer(options: HarnessOptions = {}, { settleMs = 0 }: TestServerOptions = {}) {
  let harness: Harness | undefined;
  const sockets = socketTracker();
  beforeAll(async () => {
    harness = await startHarness(options);
  });
  afterEach(async () => {
    sockets.closeAll();
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
  });
  afterAll(() => harness?.cleanup());

  const url = () => harness!.server.url;
  const visitor = async (auth: ConnectOptions = {}) => {
    const connected = await connectVisitor(url(), auth);
    sockets.track(connected.socket);
    return connected;
  };
  return {
    get harness(): Harness {
      return harness!;
    },
    url,
    /** Closes `socket` after the test too. */
    track: sockets.track,
    /** An operator's console connection, logged in as `login`. */
    async operator(login = 'anna') {
      const connected = await connectOperator(url(), login);
      sockets.track(connected.socket);
      return connected;
    },
    visitor,
    /** A visitor who wrote `text`: the message as stored, and the conversation it opened or joined. */
    async visitorWrites(text: string, auth: ConnectOptions = {}) {
      const connected = await visitor(auth);
      const ack = await visitorSend(connected.socket, text);
      if (!ack.ok) throw new Error(`send failed: ${ack.error.message}`);
      return { ...connected, message: ack.message, conversationId: ack.message.conversationId };
    },
  };
}
