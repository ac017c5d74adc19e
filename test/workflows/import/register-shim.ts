/**
 * TEMPORARY test shim: until src/commands/program.ts lists `person import` among its hand-written
 * commands, tests add it to the built program the same way (and with the same commander settings).
 * Does nothing once the command is registered there. Imported for its side effect via vi.mock.
 */
import type { Command } from 'commander';
import type { Context } from '../../../src/core/context.js';

type ProgramModule = typeof import('../../../src/commands/program.js');

export async function withImportCommand(original: ProgramModule): Promise<ProgramModule> {
  const { register } = await import('../../../src/commands/person-import.js');
  return {
    ...original,
    buildProgram(ctx: Context) {
      const built = original.buildProgram(ctx);
      const person = built.program.commands.find((c: Command) => c.name() === 'person');
      if (person && !person.commands.some((c: Command) => c.name() === 'import')) {
        register(built.program, built.env);
        const cmd = person.commands.find((c: Command) => c.name() === 'import')!;
        cmd.exitOverride();
        cmd.configureOutput({
          writeOut: (s) => ctx.io.stdout.write(s),
          writeErr: (s) => ctx.io.stderr.write(s),
        });
      }
      return built;
    },
  };
}
