/**
 * A session's stream whose client stops reading is closed once its unsent output passes the
 * bound, instead of buffering in this task's memory for ever.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, it } from '@jest/globals';
import { SseStream, writeSseHeaders } from '../../src/mcp/sse.js';

it('closes a stream whose client stopped reading once its buffered output passes the bound', async () => {
  let stream!: SseStream;
  let client!: net.Socket;
  const opened = new Promise<void>((resolve) => {
    const server = http.createServer((_req, res) => {
      writeSseHeaders(res);
      stream = new SseStream(res, 'session-1', true, 256 * 1024);
      resolve();
      server.close();
    });
    server.listen(0, '127.0.0.1', () => {
      // A client that sends its request and then never reads a byte.
      const socket = (client = net.connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
        socket.write('GET /sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
        socket.pause();
      }));
      socket.on('error', () => {});
    });
  });
  await opened;
  const message = { jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(64 * 1024) } };
  let sent = 0;
  while (!stream.closed && sent < 1_000) {
    stream.send(message);
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  expect(stream.closed).toBe(true);
  // Far fewer than 1,000 messages of 64 KiB went into the buffer before it was cut off.
  expect(sent).toBeLessThan(200);
  client.destroy();
});
