// `npm start` builds first when dist/ is missing or older than the sources, so a fresh clone runs with one command.
const { existsSync, statSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'src', 'main.js');
// Sources, and the files that change how they compile.
const inputs = ['src', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];

/** Newest mtime under `path`, directories included: a deleted file changes its directory's mtime. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let t = stat.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

const built = existsSync(entry) ? statSync(entry).mtimeMs : 0;
const changed = Math.max(...inputs.map((p) => newest(join(root, p))));
if (!built || changed > built) {
  console.log(built ? 'Sources changed since the last build: rebuilding TrainingDesk...' : 'Building TrainingDesk...');
  execFileSync(process.execPath, [join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
