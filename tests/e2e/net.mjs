// Loopback port helpers shared by the end-to-end tests and tests/ofrep
// (no dependencies, so either package can import it).
import net from "node:net";

/** Whether something listens on `port` of 127.0.0.1. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** A free TCP port on 127.0.0.1, for programs that must be given one. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });
}
