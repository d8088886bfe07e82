/** JSON in, JSON out, with bounded bodies: the shape of every API answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';

const MAX_BODY = 4096;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function readJson(req: IncomingMessage, maxBytes = MAX_BODY): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** Checks input at the edge: the parsed value, or a 400 already sent with `hint`. */
export function validated<T extends v.GenericSchema>(
  res: ServerResponse,
  schema: T,
  input: unknown,
  hint: string,
): v.InferOutput<T> | undefined {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  sendJson(res, 400, { error: hint });
  return undefined;
}
