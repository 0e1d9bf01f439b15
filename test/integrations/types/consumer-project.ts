/**
 * A consumer's project for the type tests: a temp directory whose node_modules holds only the package (its
 * package.json; the caller puts the declarations into `dist`) and the modules named, with the strict tsconfig.json of
 * this folder, a consumer file and a misuse file, checked together by `tsc -p tsconfig.check.json`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export interface ConsumerProject {
  /** The project directory. */
  dir: string;
  /** Where the package's declarations must go: node_modules/ezcaptcha-plugin/dist. */
  dist: string;
  /** Removes the project. */
  remove(): Promise<void>;
}

/** Writes the project; `modules` are the repo's node_modules entries linked into it (`@types/node` always is). */
export async function consumerProject(options: {
  prefix: string;
  modules: readonly string[];
  consumer: string;
  misuse: string;
}): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), options.prefix));
  const modules = join(dir, 'node_modules');
  const pkg = join(modules, 'ezcaptcha-plugin');
  await mkdir(join(modules, '@types'), { recursive: true });
  await mkdir(pkg);
  await Promise.all([
    ...[...options.modules, '@types/node'].map((name) =>
      symlink(join(ROOT, 'node_modules', name), join(modules, name), 'dir'),
    ),
    copyFile(join(ROOT, 'package.json'), join(pkg, 'package.json')),
    writeFile(join(dir, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n'),
    copyFile(join(import.meta.dirname, 'tsconfig.json'), join(dir, 'tsconfig.json')),
    writeFile(
      join(dir, 'tsconfig.check.json'),
      JSON.stringify({ extends: './tsconfig.json', files: ['consumer.ts', 'misuse.ts'] }),
    ),
    writeFile(join(dir, 'consumer.ts'), options.consumer),
    writeFile(join(dir, 'misuse.ts'), options.misuse),
  ]);
  return { dir, dist: join(pkg, 'dist'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `tsup --dts-only ...args --out-dir out` in the repo root. */
export async function buildDeclarations(args: readonly string[], out: string): Promise<void> {
  await run(
    process.execPath,
    [join(ROOT, 'node_modules/tsup/dist/cli-default.js'), ...args, '--dts-only', '--out-dir', out],
    { cwd: ROOT, timeout: 240_000 },
  );
}

/** Run tsc in the consumer project, so reported paths are relative to it. */
export async function tsc(project: string, config: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSC, '-p', config, '--pretty', 'false'], {
      cwd: project,
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout}${failed.stderr}` };
  }
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Where `declarationsDir` keeps its one full `tsup --dts-only` build per source state, shared by the type test files
 * (each runs in its own worker) and by later runs: node_modules/.cache/ezcaptcha-plugin-dts/<hash>.
 */
const DTS_CACHE = join(ROOT, 'node_modules/.cache/ezcaptcha-plugin-dts');

/** A hash of everything the declarations are built from: every file under src/ and the build configuration. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(join(ROOT, 'src'), { withFileTypes: true, recursive: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .concat(['tsup.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json'].map((f) => join(ROOT, f)))
    .sort();
  for (const file of files) {
    hash.update(`${file.slice(ROOT.length)}\0`);
    hash.update(existsSync(file) ? await readFile(file) : '');
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The full `tsup --dts-only` build (every entry) of the current sources, built once: the first caller takes a lock
 * (an atomic mkdir holding its pid) and builds into a temp dir renamed into place when complete; other callers (other
 * workers, or the same test files in a later run) wait for it or find it there. A lock whose process is gone is taken
 * over. Returns the directory; callers copy from it, never write to it.
 */
async function sharedFullBuild(): Promise<string> {
  const dir = join(DTS_CACHE, await sourceHash());
  const lock = `${dir}.lock`;
  await mkdir(DTS_CACHE, { recursive: true });
  const waitUntil = Date.now() + 280_000;
  for (;;) {
    if (existsSync(dir)) return dir;
    let locked = false;
    try {
      await mkdir(lock);
      locked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (locked) {
      try {
        await writeFile(join(lock, 'pid'), String(process.pid));
        if (existsSync(dir)) return dir;
        const temp = `${dir}.tmp-${process.pid}`;
        await rm(temp, { recursive: true, force: true });
        await buildDeclarations([], temp);
        await rename(temp, dir);
        return dir;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
    // Someone else builds: wait, unless its process is gone (a lock without a pid yet is being taken right now).
    const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    if (owner > 0 && !pidAlive(owner)) await rm(lock, { recursive: true, force: true });
    else if (Date.now() > waitUntil) throw new Error(`declarationsDir: ${lock} held by pid ${owner} for too long`);
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * dist/ when it holds `files` at least as new as src/; otherwise `out`, filled with a copy of the full
 * `tsup --dts-only` build of the current sources (built once and shared, see sharedFullBuild).
 */
export async function declarationsDir(files: readonly string[], out: string): Promise<string> {
  const dist = join(ROOT, 'dist');
  const built = files.map((f) => join(dist, f));
  if (built.every((f) => existsSync(f))) {
    const oldest = Math.min(...(await Promise.all(built.map(async (f) => (await stat(f)).mtimeMs))));
    if (oldest >= (await newestMtime(join(ROOT, 'src')))) return dist;
  }
  await cp(await sharedFullBuild(), out, { recursive: true });
  return out;
}
