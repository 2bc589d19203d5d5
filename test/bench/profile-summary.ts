import { readFileSync } from 'node:fs';

// `node dist/test/bench/profile-summary.js <file.cpuprofile> [--top=25] [--window=6] [--skip=20]`: where a V8 CPU
// profile's time went, as self time by package (node_modules/<pkg>, node: internals, the app's own
// src/...) and the top functions by self time, over the busiest `--window` seconds of the profile
// (the storm, not start-up or the idle time while the raw server is measured; 0: the whole profile)
// after the first `--skip` seconds (start-up: loading and compiling modules is seconds of CPU). Profile the api under a storm with
// `BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench -- check-in-storm --role=split`.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to: `fastify`, `@nestjs/core`, `node:internal`, `app src/http`, … */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
  const src = /\/dist\/(src|test)\/([^/]+)/.exec(url);
  if (src) return `app ${src[1]}/${src[2]}`;
  return url;
}

function main(): void {
  const file = process.argv[2];
  const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
  const top = arg('top', 25);
  const windowUs = arg('window', 6) * 1e6;
  const skipUs = arg('skip', 20) * 1e6;
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [--top=25]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The busiest window: the one with the least (idle) time, by a sliding window over the samples.
  const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
  let [from, to] = [0, profile.samples.length];
  if (windowUs > 0) {
    let start = 0;
    for (let t = 0; start < profile.samples.length && t < skipUs; start++) t += profile.timeDeltas[start];
    let [lo, busy, elapsed, best] = [start, 0, 0, -1];
    for (let hi = start; hi < profile.samples.length; hi++) {
      elapsed += profile.timeDeltas[hi];
      if (!idle(profile.samples[hi])) busy += profile.timeDeltas[hi];
      while (elapsed - profile.timeDeltas[lo] >= windowUs) {
        elapsed -= profile.timeDeltas[lo];
        if (!idle(profile.samples[lo])) busy -= profile.timeDeltas[lo];
        lo++;
      }
      if (elapsed >= windowUs && busy > best) [best, from, to] = [busy, lo, hi + 1];
    }
  }
  const self = new Map<number, number>();
  let total = 0;
  for (let i = from; i < to; i++) {
    const id = profile.samples[i];
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  }
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, t] of self) {
    const { callFrame: f } = byId.get(id)!;
    const pkg = packageOf(f.url, f.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + t);
    const name = `${f.functionName || '(anonymous)'}  ${pkg}${f.url ? `:${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${pct(t)}  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n');
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled${windowUs > 0 ? ' (the busiest window)' : ''}`);
  console.log(`\nSelf time by package:\n${list(byPackage, top)}`);
  console.log(`\nTop functions by self time:\n${list(byFunction, top)}`);
}

main();
