/**
 * The push listener as its tests start it: in the test process with its output captured
 * (`capturedListener`), or through the CLI in-process on a free port, waited for until it accepts a
 * push (`listenInProcess`); and pushes posted as a device does (`postPush`).
 */
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import {
  type PushListener,
  type PushListenOptions,
  startPushListener,
} from '../../src/workflows/push/push-listener.js';
import { type CliResult, type CliRunOptions, runCli } from './cli.js';
import { until } from './poll.js';

/** A wire time for pushes. */
export const PUSH_TIME = '2026/01/01 00:00:00';

/** A TCP port free on 127.0.0.1 a moment ago (for a child or in-process CLI that must be told one). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** POSTs a push: form-encoded as the devices send it, or as JSON. */
export function postPush(url: string, fields: Record<string, unknown>, json = false): Promise<Response> {
  return json
    ? fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) })
    : fetch(url, { method: 'POST', body: new URLSearchParams(fields as Record<string, string>) });
}

export interface CapturedListener {
  listener: PushListener;
  /** What the listener wrote to stdout so far (ndjson events). */
  text(): string;
  /** The notes it wrote (stderr lines), in order. */
  notes: string[];
}

/** `startPushListener` on 127.0.0.1, port 0, stdout and notes captured; `opts` adds or overrides. */
export async function capturedListener(opts: Partial<PushListenOptions> = {}): Promise<CapturedListener> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c) => {
    text += c;
  });
  const notes: string[] = [];
  const listener = await startPushListener({
    port: 0,
    bind: '127.0.0.1',
    stdout,
    stderr: new PassThrough(),
    note: (l) => notes.push(l),
    ...opts,
  });
  return { listener, text: () => text, notes };
}

export interface InProcessListener {
  url: string;
  /** The CLI run; it ends with 130 after `stop()`. */
  running: Promise<CliResult>;
  /** Stops the listener as Ctrl-C does. */
  stop(): void;
}

/**
 * `facetctl push listen --port <free> ...args` run in-process, returned once it has answered 200 to
 * the push `probe` (which is therefore its first event).
 */
export async function listenInProcess(
  args: string[],
  probe: Record<string, unknown>,
  opts: Omit<CliRunOptions, 'signal'> = {},
): Promise<InProcessListener> {
  const port = await freePort();
  const stop = new AbortController();
  const running = runCli(['push', 'listen', '--port', String(port), ...args], { ...opts, signal: stop.signal });
  const url = `http://127.0.0.1:${port}/`;
  await until(async () =>
    postPush(url, probe).then(
      (r) => (r.status === 200 ? true : undefined),
      () => undefined,
    ),
  );
  return { url, running, stop: () => stop.abort() };
}
