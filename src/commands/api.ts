import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { note } from '../core/context.js';
import { ExitCode, exitCodeOf, RuntimeError, UsageError } from '../core/errors.js';
import { defineCommand } from './declare.js';
import type { CommandEnv } from './env.js';
import { reportError } from './errors-report.js';
import { ExitWith } from './exit.js';
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
      const { readInputFile } = await import('../core/input-file.js');
      params[key] = (await readInputFile(resolve(env.ctx.cwd, value.slice(1)), `-f ${key}`, value.slice(1))).toString(
        'base64',
      );
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
    const { writeFileAtomic } = await import('../core/safe-file.js');
    await writeFileAtomic(env.ctx.processes, resolve(env.ctx.cwd, opts.out), body);
    if (io.stderrIsTTY) io.stderr.write(`wrote ${body.length} bytes to ${opts.out}\n`);
    return;
  }
  const g = env.flags();
  const rendered = g.output !== undefined || g.query !== undefined;
  const parsed = isJson(contentType, body) ? parseJson(body) : undefined;
  // -o or --query given: a JSON answer is rendered as any command's (table, csv, ndjson, a query);
  // anything else (an endpoint the registry does not know answered bytes) is said, not ignored.
  if (rendered) {
    if (parsed === undefined) {
      throw new RuntimeError(
        `the answer is not JSON (${contentType || 'no content type'}): -o and --query apply to JSON answers; give --out FILE`,
      );
    }
    env.render(parsed);
    return;
  }
  if (isJson(contentType, body)) {
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
  const g = env.flags();
  if (opts.out && (g.output !== undefined || g.query !== undefined)) {
    throw new UsageError('--out writes the answer body as it came: -o and --query apply to what is printed');
  }
  if (g.output !== undefined) env.output(); // refuses the formats api cannot print (prometheus)
  if (g.output !== undefined || g.query !== undefined) {
    // An endpoint that answers bytes (a logo, a picture) has nothing -o or --query could render.
    const at = path.startsWith('/') ? path : `/${path}`;
    const { endpointForPath } = await import('../registry/index.js');
    const known = endpointForPath(at.startsWith('/api/v1/') ? 'senselink' : 'facetcloud', at, opts.method);
    if (known && known.answer !== 'json') {
      throw new UsageError(
        `${at} answers ${known.answer} data: -o and --query apply to JSON answers (give --out FILE)`,
      );
    }
  }
  const params = await fieldsToParams(env, opts.field ?? []);
  if (opts.out) {
    const { checkOutputFile } = await import('../core/safe-file.js');
    await checkOutputFile(resolve(env.ctx.cwd, opts.out), '--out', { dashIsStdout: true });
  }
  const clean = path.startsWith('/') ? path : `/${path}`;
  const senselink = clean.startsWith('/api/v1/');
  const client = await env.client({ senselink });
  const answer = await client.raw(clean, params, { method: opts.method, signal: env.ctx.signal });
  await writeAnswer(env, opts, answer.contentType, answer.body);
  const { errorForAnswer, judge, senselinkErrorForAnswer } = await import('../core/outcome.js');
  const parsed = answer.body.length ? parseJson(answer.body) : undefined;
  const error = (senselink ? senselinkErrorForAnswer : errorForAnswer)(answer.status, parsed, clean);
  if (error) {
    reportError(env.ctx, error, { command: `api ${clean}` });
    throw new ExitWith(exitCodeOf(error));
  }
  // A 200 may still say the call failed (`result:false`, `errored` keys): the registry's endpoint
  // for this path declares the answer, and judge() reads it exactly as the typed command does.
  const { endpointForPath } = await import('../registry/index.js');
  const ep = endpointForPath(senselink ? 'senselink' : 'facetcloud', clean, opts.method);
  if (!ep || parsed === undefined) return;
  const outcome = judge(ep, parsed);
  if (outcome.status === 'ok') {
    if (outcome.remaining !== undefined && outcome.message) note(env.ctx, outcome.message);
    return;
  }
  const head = outcome.status === 'partial' ? 'partly failed' : 'failed';
  note(env.ctx, `error: api ${clean} ${head}${outcome.message ? `: ${outcome.message}` : ''}`);
  throw new ExitWith(outcome.status === 'partial' ? ExitCode.partial : ExitCode.error);
}

export const commands = [
  defineCommand<ApiOpts>({
    path: ['api'],
    query: true,
    summary: 'Call any API path raw and print the answer (facetCloud below the base URL; SenseLink /api/v1/...)',
    args: ['<path>'],
    flags: [
      {
        flags: '-f, --field <key=value>',
        help: 'a parameter; repeatable; key=@FILE sends the file in base64',
        parse: collectKeyValue,
      },
      {
        flags: '-X, --method <method>',
        help: 'HTTP method (default: GET, POST when the query is long)',
        choices: ['GET', 'POST'],
        parse: (v: string) => {
          const m = v.toUpperCase();
          if (m !== 'GET' && m !== 'POST') throw new InvalidArgumentError('must be GET or POST');
          return m;
        },
        completion: ['GET', 'POST'],
      },
      { flags: '--out <file>', help: 'write the answer body to FILE as it came (-: stdout)', completion: 'file' },
    ],
    helpAfter: [
      '',
      'The answer is printed as it came (indented on a terminal); with -o json|ndjson|csv|table or',
      '--query a JSON answer is rendered as the typed commands render theirs.',
      '',
      'No local validation: the API answers for itself. Exit codes follow the HTTP status like the',
      'typed commands (400 → 1, 401/403 → 4, 503 with a body → 5), and an error inside a 200 too:',
      'the error envelope under nochange-response-status=1 (its own code), result:false → 1, or 3',
      'when part was done (deleted > 0, updated next to errored).',
      '',
      'Examples:',
      '  $ facetctl api /device/getDevice',
      '  $ facetctl api /person/toDevice -f serialNo=7L11R010014 -f personCode=P001',
      '  $ facetctl api /person/checkPersonPicture -X POST -f picture=@face.jpg',
      '  $ facetctl api /config/getLogo -f serialNo=7L11R010014 --out logo.png',
    ].join('\n'),
    run: (env, opts, { args: [path] }) => runApi(env, path as string, opts),
  }),
];
