import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes a new file (mode 0600) in the user's own process, with the user's own rights. An
 * existing file or a symbolic link at `path` is refused, never followed or overwritten, so an
 * output flag cannot be turned against the database or anyone else's file.
 */
export function writeNewFile(path: string, data: Buffer | string, mode = 0o600): void {
  let fd: number;
  try {
    fd = openSync(path, NEW_FILE, mode);
  } catch (err) {
    throw new Error(refusal(path, err as NodeJS.ErrnoException));
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a new folder; an existing one (or a link in its place) is refused like a file. */
export function makeNewDir(path: string): void {
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (err) {
    throw new Error(refusal(path, err as NodeJS.ErrnoException));
  }
}

function refusal(path: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'EEXIST' || err.code === 'ELOOP') {
    let link = false;
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch {
      // gone meanwhile: still refused
    }
    return link
      ? `${path} is a symbolic link: refusing to write through it; give a new file name`
      : `${path} already exists: refusing to write over it; give a new file name`;
  }
  if (err.code === 'ENOENT') return `cannot create ${path}: its folder does not exist`;
  if (err.code === 'EACCES' || err.code === 'EPERM') return `cannot create ${path}: permission denied`;
  return `cannot create ${path}: ${err.code ?? err.message}`;
}
