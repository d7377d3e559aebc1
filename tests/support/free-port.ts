// A TCP port nothing listens on right now, picked by the OS: for a hub, a simulator or a Redis of
// a test's own (the hub's PORT must be 1–65535, so it cannot be asked for port 0).
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
