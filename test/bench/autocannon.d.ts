// autocannon 9 ships no types; only what the bench harness uses is declared.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Rewrites each request before it is sent (e.g. a fresh body per request). */
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      /** A fixed number of requests instead of a duration. */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      pipelining?: number;
      timeout?: number;
    }
    interface Histogram {
      average: number;
      mean: number;
      p50: number;
      p99: number;
      max: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
    }
  }
  /** The running instance: a promise of the result that also emits 'response' for each answer. */
  function autocannon(options: autocannon.Options): Promise<autocannon.Result> & { on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): unknown };
  export = autocannon;
}
