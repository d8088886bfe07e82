/**
 * One address in front of several server nodes, as a load balancer gives: a TCP proxy on
 * 127.0.0.1 that hands each new connection to the next node in turn ('round-robin'), or
 * to the first node that takes it ('failover'), skipping nodes that refuse (a killed
 * node). WebSocket-only clients need nothing sticky, so plain TCP is enough.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface Proxy {
  url: string;
  close(): Promise<void>;
}

export async function startProxy(
  backendPorts: number[],
  mode: 'round-robin' | 'failover' = 'round-robin',
): Promise<Proxy> {
  let next = 0;
  const open = new Set<Socket>();
  const dial = (client: Socket, tries: number) => {
    if (tries >= backendPorts.length) return void client.destroy();
    const port = mode === 'failover' ? backendPorts[tries]! : backendPorts[next++ % backendPorts.length]!;
    const upstream = connect(port, '127.0.0.1');
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    let connected = false;
    upstream.on('error', () => {
      if (!connected) return dial(client, tries + 1);
      client.destroy();
    });
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.resume();
    });
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    dial(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        open.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
