/**
 * `incidents users add|list|set-password`: the people and services known to the desk, with their
 * roles, and the passwords they log in to the web desk with (hashed here with argon2id; the store
 * keeps only the hash, apart from the user record).
 *
 * @module
 */
import type { Command } from 'commander';
import { type CreateUserInput, ROLES } from '@incidents/core';
import { UsageError } from '../errors.js';
import { usersTable } from '../output/format.js';
import type { Runtime } from '../runtime.js';
import { readAll } from './incidents.js';
import { addPagingOptions, fetchPaged, type PagingOptions, pageFooter } from './paging.js';

interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

/**
 * The password given by `--password` or `--password-stdin` (first line of stdin, without its line
 * break), or `undefined` when neither was given. Never echoed.
 */
async function passwordFrom(rt: Runtime, o: PasswordOptions): Promise<string | undefined> {
  if (o.password !== undefined && o.passwordStdin) throw new UsageError('use either --password or --password-stdin');
  if (o.password !== undefined) return o.password;
  if (!o.passwordStdin) return undefined;
  if (!rt.deps.stdin || rt.deps.stdinIsTTY) {
    throw new UsageError('--password-stdin reads the password from a pipe: printf %s "$PW" | incidents users …');
  }
  const text = await readAll(rt.deps.stdin);
  return text.split(/\r?\n/)[0] ?? '';
}

/** Hashes and stores a password for `email` through the service (`users.update` or the user themselves). */
async function storePassword(rt: Runtime, email: string, password: string): Promise<void> {
  const { hashPassword } = await import('@incidents/config/passwords');
  const passwordHash = await hashPassword(password);
  const service = await rt.service();
  await service.setUserCredentials(email, { password_hash: passwordHash }, await rt.ctx());
}

/** Registers `users add`, `users list` and `users set-password`. */
export function registerUserCommands(program: Command, rt: Runtime): void {
  const users = program.command('users').description('people and services, with their roles');

  users
    .command('add')
    .description('register (or update) a user')
    .argument('<email>', 'email (the id used with --as)')
    .option('--name <name>', 'display name (default: the part before @)')
    .option('--role <role>', `one of ${ROLES.join(', ')} (default operator)`, (v: string) => v.trim().toLowerCase())
    .option('--team <team>', 'team')
    .option('--inactive', 'register the user as deactivated')
    .option('--password <password>', 'web desk password (visible in the shell history: prefer --password-stdin)')
    .option('--password-stdin', 'read the web desk password from the first line of stdin')
    .action(
      async (
        email: string,
        o: { name?: string; role?: string; team?: string; inactive?: boolean } & PasswordOptions,
      ) => {
        const password = await passwordFrom(rt, o);
        if (password !== undefined) {
          const { checkPassword } = await import('@incidents/config/passwords');
          checkPassword(password);
        }
        const service = await rt.service();
        const input: CreateUserInput = {
          email,
          ...(o.name ? { name: o.name } : {}),
          ...(o.role ? { role: o.role as CreateUserInput['role'] } : {}),
          ...(o.team ? { team: o.team } : {}),
          ...(o.inactive ? { active: false } : {}),
        };
        const user = await service.putUser(input, await rt.ctx());
        if (password !== undefined) await storePassword(rt, user.email, password);
        const p = rt.printer();
        p.result(
          user,
          () =>
            `${p.colors.green('✔')} User ${p.colors.bold(user.email)} (${user.name}) is ${user.role}${user.team ? ` in ${user.team}` : ''}${user.active ? '' : ', inactive'}${password !== undefined ? ', with a password' : ''}`,
        );
      },
    );

  users
    .command('set-password')
    .description("set a user's web desk password (argon2id hash; the password itself is never stored)")
    .argument('<email>', 'the user')
    .option('--password <password>', 'the new password (visible in the shell history: prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from the first line of stdin')
    .action(async (email: string, o: PasswordOptions) => {
      const password = await passwordFrom(rt, o);
      if (password === undefined) {
        throw new UsageError(
          'give the new password: printf %s "$PW" | incidents users set-password <email> --password-stdin',
        );
      }
      await storePassword(rt, email, password);
      const p = rt.printer();
      p.result({ email, password_set: true }, () => `${p.colors.green('✔')} Password of ${p.colors.bold(email)} set`);
    });

  const list = users.command('list').alias('ls').description('users ordered by email');
  addPagingOptions(list, 50).action(async (o: PagingOptions) => {
    const service = await rt.service();
    const ctx = await rt.ctx();
    const page = await fetchPaged(o, (p) => service.listUsers(p, ctx));
    const p = rt.printer();
    p.result(page, () => {
      if (page.items.length === 0)
        return p.colors.dim('No users yet. Add one: incidents users add ana@example.com --role operator');
      return `${usersTable(page.items, p.colors)}${pageFooter(rt, page.items.length, 'user', 'by email', page.cursor)}`;
    });
  });
}
