/**
 * Wiring between the keyspace's signals and the subsystems that listen to them (blocked
 * clients, WATCH, keyspace notifications), and the dispatcher's after-command work. Kept in
 * one place so the order of these reactions is visible: modifications mark blocked keys ready
 * and WATCHed keys dirty as they happen; ready keys are served after the command (after EXEC
 * or a script as a whole).
 */
import type { Server } from './server.js';
import { NOTIFY } from '../keyspace/notify.js';

export function wireSubsystems(server: Server): void {
  const blocking = server.blocking;
  const watches = server.watches;
  const prop = server.dispatcher.prop;
  server.ks.hooks = {
    modified(db, key) {
      blocking.signal(db.id, key);
      watches.touch(db, key);
    },
    ready(db, key) {
      blocking.signal(db.id, key);
    },
    event(type, event, key, dbid) {
      // notify-keyspace-events: K publishes on __keyspace@<db>__:<key>, E on __keyevent@<db>__:<event>.
      const flags = server.ks.notifyFlags;
      if (flags & NOTIFY.KEYSPACE) server.pubsub.publish('channel', `__keyspace@${dbid}__:${key}`, event);
      if (flags & NOTIFY.KEYEVENT) server.pubsub.publish('channel', `__keyevent@${dbid}__:${event}`, key);
      void type;
    },
    expired(db, key) {
      prop.expired(db.id, key);
    },
    flushing(db, replacedWith) {
      watches.touchDb(db, replacedWith);
      // Readers blocked on keys of an emptied or swapped database re-check them (XREADGROUP
      // answers that its stream is gone).
      blocking.signalDb(db.id);
    },
  };
  server.dispatcher.hooks = {
    afterWrite() {},
    afterCommand(c) {
      // Not while a busy script is suspended: its keys must not change under it.
      if (blocking.hasReady && !c.inExec && !server.scripting.busy) blocking.serveReady();
    },
  };
}
