/**
 * Every command family's table, in one list: the single source the server builds its
 * command table from. Adding a family = one import and one entry here.
 */
import type { CommandSpec } from './spec.js';
import { connectionCommands } from './connection.js';
import { clientCommands } from './client.js';
import { stringCommands } from './string.js';

export const ALL_COMMANDS: readonly (readonly CommandSpec[])[] = [connectionCommands, clientCommands, stringCommands];
