/**
 * `incidents users add|list`: the people and services known to the desk, with their roles.
 *
 * @module
 */
import type { Command } from 'commander';
import { type CreateUserInput, ROLES } from '@incidents/core';
import { usersTable } from '../output/format.js';
import type { Runtime } from '../runtime.js';
import { addPagingOptions, fetchPaged, type PagingOptions, pageFooter } from './paging.js';

/** Registers `users add` and `users list`. */
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
    .action(async (email: string, o: { name?: string; role?: string; team?: string; inactive?: boolean }) => {
      const service = await rt.service();
      const input: CreateUserInput = {
        email,
        ...(o.name ? { name: o.name } : {}),
        ...(o.role ? { role: o.role as CreateUserInput['role'] } : {}),
        ...(o.team ? { team: o.team } : {}),
        ...(o.inactive ? { active: false } : {}),
      };
      const user = await service.putUser(input, await rt.ctx());
      const p = rt.printer();
      p.result(
        user,
        () =>
          `${p.colors.green('✔')} User ${p.colors.bold(user.email)} (${user.name}) is ${user.role}${user.team ? ` in ${user.team}` : ''}${user.active ? '' : ', inactive'}`,
      );
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
