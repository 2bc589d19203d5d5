import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** The part of smtp-server's (internal) connection object used to cut one. */
interface SmtpConnection {
  session: unknown;
  _socket: { destroy(): void };
}

/**
 * A real SMTP server (smtp-server) that fails the way a flaky one does: for
 * the first `drops` messages it destroys the connection in the middle of DATA,
 * after part of the message has arrived and before any reply; recipients for
 * which `refuse` holds get a permanent 550 at RCPT TO. A message counts as
 * received only once its DATA was accepted (250).
 */
export class DroppingSmtp {
  /** Raw messages accepted, parsed only when read (parsing here would compete with the app for the CPU). */
  readonly raw: Buffer[] = [];
  /** Recipients of each DATA attempt, the dropped ones included. */
  readonly attempts: string[][] = [];
  dropped = 0;
  refused = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private dropsLeft: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(opts: { drops: number; refuse?: (address: string) => boolean; dropAfterBytes?: number }): Promise<DroppingSmtp> {
    let self: DroppingSmtp | undefined;
    const dropAfter = opts.dropAfterBytes ?? 512;
    const server: SMTPServer = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 10 * 1024 * 1024,
      onRcptTo(address, _session, callback) {
        if (opts.refuse?.(address.address)) {
          self!.refused++;
          const err = new Error(`5.1.1 mailbox ${address.address} unavailable`) as Error & { responseCode: number };
          err.responseCode = 550;
          return callback(err);
        }
        callback();
      },
      onData(stream, session, callback) {
        self!.attempts.push(session.envelope.rcptTo.map((r) => r.address.toLowerCase()));
        const drop = self!.dropsLeft > 0;
        if (drop) self!.dropsLeft--;
        const chunks: Buffer[] = [];
        let seen = 0;
        let cut = false;
        const cutConnection = () => {
          cut = true;
          self!.dropped++;
          // smtp-server hands onData no socket: find this session's connection.
          for (const conn of (server as unknown as { connections: Set<SmtpConnection> }).connections) if (conn.session === session) conn._socket.destroy();
        };
        stream.on('data', (c: Buffer) => {
          if (cut) return;
          seen += c.length;
          if (drop && seen >= dropAfter) cutConnection();
          else chunks.push(c);
        });
        stream.on('error', () => undefined);
        stream.on('end', () => {
          if (cut) return; // no reply: the connection is gone
          // A message shorter than dropAfter is cut here, still before the reply.
          if (drop) return cutConnection();
          self!.raw.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // A client cut off mid-conversation (a worker SIGKILLed, a send aborted) is an 'error' of the server's;
    // without a listener it would be an uncaught ECONNRESET that fails the whole test file.
    server.on('error', () => undefined);
    self = new DroppingSmtp(server, (server.server.address() as { port: number }).port, opts.drops);
    return self;
  }

  /** Every message accepted so far, parsed. */
  messages(): Promise<ParsedMail[]> {
    return Promise.all(this.raw.map((r) => simpleParser(r)));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
