/**
 * Posts events to a site's webhook: JSON, retried with growing delays on failure,
 * logged, and never awaited by the visitor's acknowledgement.
 */
export interface WebhookOptions {
  log: (message: string) => void;
  /** Waits before each retry; the default retries 6 times over about a minute. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

export function createWebhookSender({ log, retryDelaysMs = [1000, 2000, 4000, 8000, 16000, 32000], timeoutMs = 10_000 }: WebhookOptions) {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  async function attempt(url: string, body: string): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Confab-Webhook/1' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return res.ok;
    } catch {
      return false;
    }
  }

  return {
    /** Resolves true once delivered, false after the last retry failed. */
    send(url: string, event: object): Promise<boolean> {
      const body = JSON.stringify(event);
      return new Promise((resolve) => {
        const run = async (retry: number) => {
          if (closed) return resolve(false);
          if (await attempt(url, body)) return resolve(true);
          const delay = retryDelaysMs[retry];
          if (delay === undefined) {
            log(`webhook ${url}: gave up after ${retry + 1} attempts`);
            return resolve(false);
          }
          log(`webhook ${url}: attempt ${retry + 1} failed; retrying in ${delay} ms`);
          const timer = setTimeout(() => {
            timers.delete(timer);
            void run(retry + 1);
          }, delay);
          timers.add(timer);
        };
        void run(0);
      });
    },
    close() {
      closed = true;
      timers.forEach(clearTimeout);
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
