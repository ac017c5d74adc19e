/**
 * `facetctl demo`: the quick start's main job, end to end on the embedded emulator. It starts the
 * emulator with the demo seed, registers a new gate, imports the sample CSV (Excel's UTF-8 with BOM,
 * a quoted newline, one picture without a face), simulates recognitions, exports the logs
 * incrementally, backs up every device's settings, and leaves the files in `--dir`.
 *
 * Every step runs the real CLI in-process (`run(argv, ctx)`) against the emulator over HTTP, exactly
 * as a user or a cron job would run it; the demo only checks that each step ended as expected.
 */
import { join, resolve } from 'node:path';
import type { Context } from '../core/context.js';
import { RuntimeError } from '../core/errors.js';
import { defineCommand } from './declare.js';

const NEW_GATE = '7L11R010099';

interface Step {
  title: string;
  argv: string[];
  /** Exit codes that mean the step behaved as the demo expects (with why, for the reader). */
  expect: Record<number, string>;
}

function steps(dir: string): Step[] {
  const csv = join(dir, 'persons.csv');
  // The cron job's command: the same state file each run, so each run writes only the new rows.
  const exportArgv = (out: string) => [
    ...['log', 'recog', 'export', '--all-devices', '--since', '7d', '-o', 'csv', '--bom'],
    ...['--out', out, '--state', join(dir, 'export-state.json')],
  ];
  return [
    { title: 'Devices in the cloud', argv: ['device', 'list', '-o', 'table'], expect: { 0: 'ok' } },
    {
      title: 'Import persons.csv onto the new gate (checks pictures with the cloud before toDevice)',
      argv: [
        'person',
        'import',
        csv,
        '--report',
        join(dir, 'import-report.csv'),
        '--journal',
        join(dir, 'import.journal'),
      ],
      expect: {
        0: 'every row registered',
        3: 'the cat picture was refused by checkPersonPicture, as it should be; the others are registered',
      },
    },
    {
      title: 'Persons now on the new gate',
      argv: ['person', 'device', 'list', '--serial', NEW_GATE, '-o', 'table'],
      expect: { 0: 'ok' },
    },
    {
      title: 'Export every device’s recognition logs of the last 7 days (CSV for Excel, incremental state)',
      argv: exportArgv(join(dir, 'recog-logs.csv')),
      expect: { 0: 'ok' },
    },
    {
      title: 'Run the same export again: only rows newer than the saved state',
      argv: exportArgv(join(dir, 'recog-logs-incremental.csv')),
      expect: { 0: 'ok' },
    },
    {
      title: 'Back up every device’s settings, settings file and logo',
      argv: ['config', 'export', '--all-devices', '--dir', join(dir, 'configs')],
      expect: {
        0: 'ok',
        3: 'the warehouse terminal 7L11R010017 is offline (503) and the AI camera has no settings API; the others are saved',
      },
    },
  ];
}

async function operator(origin: string, token: string, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${origin}/_emulator${path}`, {
    method,
    headers: { 'ds-api-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new RuntimeError(`emulator operator call ${method} ${path} failed: HTTP ${res.status}`);
}

async function copyExamples(dir: string): Promise<void> {
  const [{ copyFile, readdir }, { ensureDir }] = await Promise.all([
    import('node:fs/promises'),
    import('../core/safe-file.js'),
  ]);
  const examples = new URL('../../examples/', import.meta.url);
  await ensureDir(join(dir, 'pictures'));
  await copyFile(new URL('persons.csv', examples), join(dir, 'persons.csv'));
  for (const name of await readdir(new URL('pictures/', examples))) {
    await copyFile(new URL(`pictures/${name}`, examples), join(dir, 'pictures', name));
  }
}

export const commands = [
  defineCommand<{ dir: string }>({
    path: ['demo'],
    summary: 'Run the main job on the embedded emulator: import a sample CSV, export logs and configs',
    flags: [{ flags: '--dir <dir>', help: 'where the demo writes its files', default: 'facetctl-demo' }],
    helpAfter: [
      '',
      'Nothing outside the in-process emulator is contacted; your profiles are not used. Each step is',
      'printed with its command line on stderr, the commands’ output goes to stdout, and the files',
      '(persons.csv and pictures, import report, exported logs, config backups) stay in --dir.',
      'Exit codes: 0 every step ended as expected, 1 a step did not.',
      '',
      'Examples:',
      '  facetctl demo',
      '  facetctl demo --dir /tmp/facetctl-demo && ls /tmp/facetctl-demo',
    ].join('\n'),
    async run(env, opts) {
      const { ctx } = env;
      const dir = resolve(ctx.cwd, opts.dir);
      const { ensureDir } = await import('../core/safe-file.js');
      await ensureDir(dir);
      await copyExamples(dir);
      const say = (line: string) => ctx.io.stderr.write(`${line}\n`);

      const { startEmulator } = await import('../emulator/index.js');
      const emu = await startEmulator({ port: 0, seed: 'demo', latencyMs: 5 });
      try {
        say(`facetctl demo: emulator at ${emu.url} (seeded with 5 devices, 12 persons, a week of logs)`);
        await operator(emu.origin, emu.token, 'POST', '/devices', {
          serialNo: NEW_GATE,
          kind: 'terminal',
          model: 'TACX1270',
          description: '新設ゲート',
        });
        say(`registered a new gate ${NEW_GATE} (新設ゲート)`);
        const run = env.runCommand;
        const sub: Context = {
          ...ctx,
          cwd: dir,
          // The sub-commands reach the emulator through the documented environment variables; the
          // token never appears on a command line. A private config dir keeps the user's profiles out.
          env: {
            ...ctx.env,
            FACETCTL_HOST: emu.url,
            FACETCTL_TOKEN: emu.token,
            FACETCTL_CONFIG_DIR: join(dir, 'config'),
          },
        };
        const all = steps(dir);
        for (const [i, step] of all.entries()) {
          if (i === 4) {
            await operator(emu.origin, emu.token, 'POST', '/recognize', { serialNo: NEW_GATE, personCode: 'P1001' });
            await operator(emu.origin, emu.token, 'POST', '/recognize', { serialNo: NEW_GATE, personCode: 'P1002' });
            say('\nsimulated two recognitions at the new gate (P1001, P1002)');
          }
          say(`\n==> ${step.title}\n$ facetctl ${step.argv.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
          const code = await run(step.argv, sub);
          const why = step.expect[code];
          if (why === undefined) throw new RuntimeError(`demo step "${step.title}" ended with exit code ${code}`);
          say(`(exit ${code}: ${why})`);
        }
        say(`\nDone. Files in ${dir}:`);
        const { readdir } = await import('node:fs/promises');
        for (const name of (await readdir(dir)).sort()) say(`  ${name}`);
        say('\nTry it yourself: `facetctl server --seed demo` in one terminal, then');
        say('`facetctl profile add` with the URL and token it prints, and any command, e.g. `facetctl device list`.');
      } finally {
        await emu.close();
      }
    },
  }),
];
