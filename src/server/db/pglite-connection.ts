import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serialize } from 'pg-protocol';

/**
 * What the clients of one PGlite share: every call goes into it in order (the next waits for the
 * one before, whichever client made it), and the statements prepared in it, which live in its one
 * backend session and so outlive the client that prepared them.
 */
interface CallQueue {
  last: Promise<unknown>;
  parsedStatements: Record<string, string>;
}

/**
 * A node-postgres pool of one client over the embedded database. Each client the pool makes
 * gets a connection of its own (a client thrown away hears its own end, not the next one's),
 * all of them taking turns on the one PGlite.
 */
export function pglitePool(pglite: PGlite): pg.Pool {
  const queue: CallQueue = { last: pglite.waitReady, parsedStatements: {} };
  class PgliteClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connection: new PgliteConnection(pglite, queue) } as pg.ClientConfig);
    }
  }
  return new pg.Pool({ Client: PgliteClient, max: 1 });
}

/**
 * node-postgres's connection to the embedded database: what node-postgres would write to a
 * socket goes to PGlite, and what PGlite answers comes back as the messages node-postgres reads.
 *
 * PGlite ships such a connection (`@electric-sql/pglite/node-postgres`), which hands PGlite each
 * message on its own. node-postgres sends a statement with parameters as four or five messages
 * (parse the first time, bind, describe, execute, sync), so each statement entered the database
 * four or five times, each time through PGlite's file-sync lock. This one keeps the messages of
 * a statement until node-postgres ends it with sync (or flush) and hands them over together, as
 * a socket would deliver them to PostgreSQL; the database answers each in turn, at a third to
 * two thirds of the CPU per statement (docs/decisions/0002-own-pglite-connection.md, which also
 * says why `pg` is pinned: the fields below are node-postgres's internals).
 *
 * `syncToFs` is off: PGlite copies its files elsewhere after a call only for filesystems that
 * are not a directory (IndexedDB, OPFS). The databases opened here are a directory (NodeFS) or
 * memory, whose `syncToFs` does nothing but take the lock.
 */
class PgliteConnection extends EventEmitter {
  // The fields node-postgres reads off its connection.
  _connecting = false;
  readonly stream = { destroy: () => this.end() };
  /**
   * Shared by every connection to this PGlite: a client the pool replaces (idle for 10 s, or
   * thrown away after an error) must not prepare a statement again ("already exists").
   */
  readonly parsedStatements: Record<string, string>;
  submittedNamedStatements = {};

  private readonly pglite: PGlite;
  private readonly queue: CallQueue;
  /** Messages of the statement being sent, until its sync or flush. */
  private held: Buffer[] = [];

  constructor(pglite: PGlite, queue: CallQueue) {
    super();
    this.pglite = pglite;
    this.queue = queue;
    this.parsedStatements = queue.parsedStatements;
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  private send(message: Buffer): void {
    const messages = [...this.held, message];
    this.held = [];
    const bytes = messages.length === 1 ? message : Buffer.concat(messages);
    this.queue.last = this.queue.last
      .then(() => this.pglite.execProtocolStream(bytes, { throwOnError: false, syncToFs: false }))
      .then((answers) => {
        const forwardAll = this.listenerCount('message') > 0;
        for (const answer of answers) {
          if (forwardAll) this.emit('message', answer);
          this.emit(answer.name === 'error' ? 'errorMessage' : answer.name, answer);
        }
      })
      .catch((error: unknown) => {
        this.emit('error', error);
      });
  }

  // What node-postgres calls. Authentication and TLS have nothing to do in process.
  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.held.push(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.held.push(serialize.bind(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.held.push(serialize.describe(message));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.held.push(serialize.execute(config));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.held.push(serialize.close(message));
  }
  sync(): void {
    this.send(serialize.sync());
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.send(serialize.copyFail(message));
  }

  /** The client is done: it hears its end once PGlite has answered what it sent. PGlite stays open. */
  end(): void {
    this.held = [];
    this.queue.last = this.queue.last.then(() => this.emit('end'));
  }
}
