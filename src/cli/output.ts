/** Where the CLI writes, with the client key scrubbed from every line as a last guard, and a plain-text table. */

export interface CliWritable {
  write(chunk: string): unknown;
}

export interface CliIO {
  stdout: CliWritable;
  stderr: CliWritable;
  env: Record<string, string | undefined>;
}

const REDACTED = '[redacted]';
/** Shorter "keys" are not scrubbed: replacing a 3-letter string everywhere would garble the output, not protect it. */
const MIN_SCRUB_LENGTH = 8;

/** Output sink whose writes never contain any of `secrets()` (read at write time: the key is known after parsing). */
export class Output {
  readonly #io: CliIO;
  readonly #secrets: () => readonly string[];

  constructor(io: CliIO, secrets: () => readonly string[]) {
    this.#io = io;
    this.#secrets = secrets;
  }

  #scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets()) {
      if (secret.length >= MIN_SCRUB_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Raw write to stdout (no newline added). */
  out(text: string): void {
    this.#io.stdout.write(this.#scrub(text));
  }

  /** Raw write to stderr (no newline added). */
  err(text: string): void {
    this.#io.stderr.write(this.#scrub(text));
  }

  line(text = ''): void {
    this.out(`${text}\n`);
  }

  note(text: string): void {
    this.err(`${text}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }
}

/** Left-aligned columns separated by two spaces; `-` for empty cells. */
export function renderTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | undefined>>,
): string {
  const cells = [
    headers,
    ...rows.map((row) => headers.map((_, i) => (row[i] === undefined || row[i] === '' ? '-' : row[i]))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] as string).length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? (cell as string) : (cell as string).padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `1234 ms` below ten seconds, `12.3 s` above. */
export function formatDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Long values (site keys, task ids) shortened for the table; JSON output keeps them whole. */
export function shorten(value: string | undefined, max = 24): string | undefined {
  if (value === undefined) return undefined;
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
