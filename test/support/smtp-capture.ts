import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server for tests (smtp-server), keeping every message it
 * receives parsed by mailparser. Plain SMTP, authentication optional.
 */
export class SmtpCapture {
  readonly messages: ParsedMail[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /**
   * `rejectRcpt` makes the server refuse these recipients (a permanent 550), for failure tests;
   * `delayMs` holds each message that long before accepting it (a slow server keeps jobs active).
   */
  static async start(opts: { rejectRcpt?: (address: string) => boolean; delayMs?: number } = {}): Promise<SmtpCapture> {
    let capture: SmtpCapture | undefined;
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (opts.rejectRcpt?.(address.address)) {
          const err = new Error(`mailbox ${address.address} unavailable`) as Error & { responseCode: number };
          err.responseCode = 550;
          return callback(err);
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then(async (mail) => {
            if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
            capture!.messages.push(mail);
            capture!.notify();
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // A client cut off mid-conversation (a worker SIGKILLed, a send aborted) is an 'error' of the server's;
    // without a listener it would be an uncaught ECONNRESET that fails the whole test file.
    server.on('error', () => undefined);
    const port = (server.server.address() as { port: number }).port;
    capture = new SmtpCapture(server, port);
    return capture;
  }

  /** Resolves once `count` messages (in all) have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<ParsedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} mails, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.messages;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
