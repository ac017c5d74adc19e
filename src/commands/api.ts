/**
 * `facetctl api <path>`: any endpoint, raw. No local validation (that is the point: reaching what
 * the typed commands would refuse), but the same connection, token handling and exit codes.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { exitCodeOf, RuntimeError, UsageError } from '../core/errors.js';
import type { CommandEnv } from './env.js';
import { reportError } from './errors-report.js';
import { ExitWith } from './exit.js';
import { setCompletionValues } from './option-meta.js';
import { collectKeyValue } from './option-parsers.js';

interface ApiOpts {
  field?: string[];
  method?: 'GET' | 'POST';
  out?: string;
}

/** `key=value`, or `key=@file` for the file's bytes in base64 (pictures, logos, config files). */
async function fieldsToParams(env: CommandEnv, fields: string[]): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const f of fields) {
    const i = f.indexOf('=');
    const key = f.slice(0, i);
    const value = f.slice(i + 1);
    if (key.toLowerCase() === 'ds-api-token') {
      throw new UsageError('-f ds-api-token: the token travels in a header only; use the profile or --token-stdin');
    }
    if (value.startsWith('@') && value.length > 1) {
      try {
        params[key] = (await readFile(resolve(env.ctx.cwd, value.slice(1)))).toString('base64');
      } catch (err) {
        throw new UsageError(`-f ${key}: cannot read '${value.slice(1)}': ${(err as Error).message}`);
      }
    } else params[key] = value;
  }
  return params;
}

function isJson(contentType: string, body: Buffer): boolean {
  if (/json/i.test(contentType)) return true;
  const first = body.subarray(0, 1).toString();
  return first === '{' || first === '[';
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

async function writeAnswer(env: CommandEnv, opts: ApiOpts, contentType: string, body: Buffer): Promise<void> {
  const io = env.ctx.io;
  if (opts.out) {
    const file = createWriteStream(resolve(env.ctx.cwd, opts.out));
    await new Promise<void>((res, rej) => {
      file.on('error', rej);
      file.end(body, () => res());
    });
    if (io.stderrIsTTY) io.stderr.write(`wrote ${body.length} bytes to ${opts.out}\n`);
    return;
  }
  if (isJson(contentType, body)) {
    const parsed = parseJson(body);
    if (parsed !== undefined && io.stdoutIsTTY) io.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
    else if (body.length)
      io.stdout.write(body.toString('utf8').endsWith('\n') ? body : Buffer.concat([body, Buffer.from('\n')]));
    return;
  }
  if (/^text\/|javascript/i.test(contentType)) {
    io.stdout.write(body);
    return;
  }
  // Not a UsageError: the request was already made, and exit 2 promises that nothing was sent.
  if (io.stdoutIsTTY) {
    throw new RuntimeError(`the answer is binary (${contentType || 'no content type'}): give --out FILE`);
  }
  io.stdout.write(body);
}

async function runApi(env: CommandEnv, path: string, opts: ApiOpts): Promise<void> {
  const params = await fieldsToParams(env, opts.field ?? []);
  const clean = path.startsWith('/') ? path : `/${path}`;
  const senselink = clean.startsWith('/api/v1/');
  const client = await env.client({ senselink });
  const answer = await client.raw(clean, params, { method: opts.method, signal: env.ctx.signal });
  await writeAnswer(env, opts, answer.contentType, answer.body);
  const { errorForAnswer, senselinkErrorForAnswer } = await import('../core/outcome.js');
  const parsed = answer.body.length ? parseJson(answer.body) : undefined;
  const error = (senselink ? senselinkErrorForAnswer : errorForAnswer)(answer.status, parsed, clean);
  if (error) {
    reportError(env.ctx, error, { command: `api ${clean}` });
    throw new ExitWith(exitCodeOf(error));
  }
}

export function register(root: Command, env: CommandEnv): void {
  const method = new Option('-X, --method <method>', 'HTTP method (default: GET, POST when the query is long)')
    .choices(['GET', 'POST'])
    .argParser((v: string) => {
      const m = v.toUpperCase();
      if (m !== 'GET' && m !== 'POST') throw new InvalidArgumentError('must be GET or POST');
      return m;
    });
  const out = new Option('--out <file>', 'write the answer body to FILE');
  setCompletionValues(out, 'file');
  setCompletionValues(method, ['GET', 'POST']);
  root
    .command('api <path>')
    .description('Call any API path raw and print the answer (facetCloud below the base URL; SenseLink /api/v1/...)')
    .option('-f, --field <key=value>', 'a parameter; repeatable; key=@FILE sends the file in base64', collectKeyValue)
    .addOption(method)
    .addOption(out)
    .addHelpText(
      'after',
      [
        '',
        'No local validation: the API answers for itself. Exit codes follow the HTTP status like the',
        'typed commands (400 → 1, 401/403 → 4, 503 with a body → 5).',
        '',
        'Examples:',
        '  $ facetctl api /device/getDevice',
        '  $ facetctl api /person/toDevice -f serialNo=7L11R010014 -f personCode=P001',
        '  $ facetctl api /person/checkPersonPicture -X POST -f picture=@face.jpg',
        '  $ facetctl api /config/getLogo -f serialNo=7L11R010014 --out logo.png',
      ].join('\n'),
    )
    .action((path: string, opts: ApiOpts) => runApi(env, path, opts));
}
