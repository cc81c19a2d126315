import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused connection may stay half-closed for the client to read the answer. */
const REFUSED_LINGER_MS = 2_000;

/**
 * After a refusal is sent, stops reading the connection and closes it: a client without a key
 * cannot make the gateway read (or parse) one byte of its body, whatever Content-Length it
 * announced. The socket is paused (the kernel's receive window fills and the sender blocks, at no
 * cost to us), our side is ended so the client sees the answer and the end, and the socket is
 * destroyed after a short linger if the client has not closed it by then.
 *
 * Node ends a `Connection: close` response with `socket.destroySoon()`, which destroys the socket
 * as soon as the answer is written. With the unread body still in the kernel's receive buffer that
 * close goes out as a TCP reset, and a client that had not read the answer yet loses it (seen under
 * load). So this socket's `destroySoon` ends it and lingers instead.
 */
export function closeUnread(socket: Socket | null, response: ServerResponse): void {
  if (!socket) return;
  const lingering = socket as Socket & { destroySoon?: () => void };
  lingering.destroySoon = () => {
    socket.pause();
    socket.end();
    setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
  };
  response.once('finish', () => {
    // Node resumes an unread request body after the response ends (to discard it for keep-alive);
    // pausing on the next tick, after that resume, stops it.
    setImmediate(() => socket.pause());
  });
}
