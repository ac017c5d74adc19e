/**
 * `push listen`: an HTTP server for the cloud's push notifications. It answers 200 as soon as the
 * body is read and holds the document's required fields (the cloud does not retry, and a slow answer
 * only risks a timeout), then writes the event as one ndjson line, or hands it to `--exec CMD` on
 * stdin. A body without serialNo/time, or whose fields have the wrong types for the document's push
 * format, is answered 400 and emitted nowhere: it is not a push. Commands run one at a time in
 * arrival order, so a script never sees two events at once; the HTTP answers never wait for them.
 * Events waiting for the command are bounded (count and bytes): when the queue is full a push is
 * answered 503 and named on stderr. Closing (SIGTERM) waits for the running command only; the events
 * still waiting are dropped and counted on stderr. The command's environment has no facetctl secret.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { RuntimeError } from '../../core/errors.js';
import { createIpAllow } from '../../core/ip-rules.js';
import { childEnv } from '../../core/redact.js';
import { missingPushFields, normalisePushEvent, parsePushBody, pushFieldErrors } from './push-event.js';

import { PUSH_QUEUE_BYTES, PUSH_QUEUE_EVENTS } from './queue-limits.js';

export { PUSH_QUEUE_BYTES, PUSH_QUEUE_EVENTS };

const MAX_BODY = 1024 * 1024;

export interface PushListenOptions {
  port: number;
  bind: string;
  allowIp?: readonly string[];
  /** Shell command run once per event with the event JSON on stdin. */
  exec?: string;
  /** The environment; the command gets it without facetctl's secrets (childEnv). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Events that may wait for `--exec` (default PUSH_QUEUE_EVENTS); more are answered 503. */
  queueEvents?: number;
  /** Bytes of events that may wait (default PUSH_QUEUE_BYTES); more are answered 503. */
  queueBytes?: number;
  cwd?: string;
  stdout: Writable;
  stderr: Writable;
  note: (line: string) => void;
  /**
   * What of each event is delivered (`--query`): its result, as one JSON line; an event it maps to
   * null or undefined is not delivered (still answered 200). Default: the event as received.
   */
  select?: (event: unknown) => unknown;
}

export interface PushListener {
  url: string;
  /** Events received (answered 200) so far. */
  readonly received: number;
  /** Events refused with 503 because the queue was full. */
  readonly refused: number;
  /** Stop accepting, wait for the running command only; waiting events are dropped (noted on stderr). */
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function runCommand(opts: PushListenOptions, event: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(opts.exec as string, {
      shell: true,
      cwd: opts.cwd,
      env: childEnv(opts.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c) => opts.stdout.write(c));
    child.stderr.on('data', (c) => opts.stderr.write(c));
    child.stdin.on('error', () => {});
    child.on('error', (err) => {
      opts.note(`push: --exec could not start: ${err.message}`);
      resolve();
    });
    child.on('close', (code, signal) => {
      if (code !== 0) opts.note(`push: --exec exited with ${signal ?? code} for event ${event.slice(0, 120)}`);
      resolve();
    });
    child.stdin.end(`${event}\n`);
  });
}

export async function startPushListener(opts: PushListenOptions): Promise<PushListener> {
  const allowed = createIpAllow(opts.allowIp ?? []);
  let received = 0;
  let refused = 0;
  const maxEvents = opts.queueEvents ?? PUSH_QUEUE_EVENTS;
  const maxBytes = opts.queueBytes ?? PUSH_QUEUE_BYTES;
  const waiting: string[] = [];
  let waitingBytes = 0;
  let running: Promise<void> | undefined;
  let closing = false;
  const pump = (): void => {
    if (running || closing) return;
    const line = waiting.shift();
    if (line === undefined) return;
    waitingBytes -= Buffer.byteLength(line);
    running = runCommand(opts, line).then(() => {
      running = undefined;
      pump();
    });
  };
  /** Room for one more event of `bytes` (always true without --exec: stdout has its own back-pressure). */
  const hasRoom = (bytes: number): boolean =>
    !opts.exec || (waiting.length < maxEvents && (waiting.length === 0 || waitingBytes + bytes <= maxBytes));
  const deliver = (received: string, event: unknown) => {
    let line = received;
    if (opts.select) {
      const picked = opts.select(event);
      if (picked === null || picked === undefined) return;
      line = JSON.stringify(picked);
    }
    if (!opts.exec) {
      opts.stdout.write(`${line}\n`);
      return;
    }
    waiting.push(line);
    waitingBytes += Buffer.byteLength(line);
    pump();
  };
  const server = createServer((req, res) => {
    const from = req.socket.remoteAddress;
    if (!allowed(from)) {
      opts.note(`push: refused ${from ?? 'unknown address'} (not in --allow-ip)`);
      answer(res, 403, { result: false, message: 'forbidden' });
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      answer(res, 405, { result: false, message: 'push notifications are POSTed' });
      req.resume();
      return;
    }
    readBody(req).then(
      (body) => {
        let event: Record<string, unknown>;
        try {
          event = parsePushBody(req.headers['content-type'], body);
        } catch (err) {
          opts.note(`push: ignored an unreadable push from ${from ?? 'unknown address'}: ${(err as Error).message}`);
          answer(res, 400, { result: false, message: (err as Error).message });
          return;
        }
        const missing = missingPushFields(event);
        if (missing.length) {
          opts.note(`push: ignored a push without ${missing.join('/')} from ${from ?? 'unknown address'}`);
          answer(res, 400, { result: false, message: `required: ${missing.join(', ')}` });
          return;
        }
        const wrong = pushFieldErrors(event);
        if (wrong.length) {
          opts.note(
            `push: ignored a push with wrong field types from ${from ?? 'unknown address'}: ${wrong.join('; ')}`,
          );
          answer(res, 400, { result: false, message: wrong.join('; ') });
          return;
        }
        const normalised = normalisePushEvent(event);
        const line = JSON.stringify(normalised);
        if (closing || !hasRoom(Buffer.byteLength(line))) {
          refused++;
          opts.note(
            `push: queue full (${waiting.length} event(s) waiting for --exec): refused the event of ${String(event.serialNo)} at ${String(event.time)} with 503`,
          );
          answer(res, 503, { result: false, message: 'busy: too many events waiting' });
          return;
        }
        answer(res, 200, { result: true });
        received++;
        deliver(line, normalised);
      },
      (err: Error & { status?: number }) => {
        if (!res.headersSent) answer(res, err.status ?? 400, { result: false, message: err.message });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new RuntimeError(`push listen: cannot listen on ${opts.bind}:${opts.port}: ${err.message}`)),
    );
    server.listen(opts.port, opts.bind, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    get received() {
      return received;
    },
    get refused() {
      return refused;
    },
    async close() {
      closing = true;
      const dropped = waiting.length;
      waiting.length = 0;
      waitingBytes = 0;
      if (dropped > 0) opts.note(`push: stopping: ${dropped} event(s) waiting for --exec were not run`);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await running;
    },
  };
}
