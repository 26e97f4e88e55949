/** Program versions: stored in the database, published by the admin, delivered to devices. */
import {
  DEFAULT_PROGRAM,
  parseProgram,
  parseStoredProgram,
  phoneOfInput,
  phoneWritings,
  programHistory,
  type Program,
  type Programs,
  type PublishedProgram,
} from '../shared/rules';
import type { Queryable } from './db/database';

export class ProgramRegistry {
  private published: PublishedProgram[] = [];
  private history: Programs = programHistory([{ program: DEFAULT_PROGRAM, effective_from: 0 }]);

  /** Loads the versions; on a new database, publishes the default program as version 1. */
  async load(q: Queryable): Promise<void> {
    let rows = await q.all<{ definition: string; effective_from_ms: number }>(
      `SELECT definition, effective_from_ms FROM programs ORDER BY version`,
    );
    if (rows.length === 0) {
      await q.run(
        `INSERT INTO programs (version, definition, effective_from_ms, published_at) VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`,
        [DEFAULT_PROGRAM.version, JSON.stringify(DEFAULT_PROGRAM), 0, new Date().toISOString()],
      );
      rows = await q.all(`SELECT definition, effective_from_ms FROM programs ORDER BY version`);
    }
    this.set(
      rows.map((r) => ({
        program: parseStoredProgram(JSON.parse(r.definition)),
        effective_from: Number(r.effective_from_ms),
      })),
    );
  }

  /** Picks up versions another process (the admin CLI) published since the last look. */
  async refresh(q: Queryable): Promise<void> {
    const row = await q.get<{ v: number | null }>(`SELECT MAX(version) AS v FROM programs`);
    if (Number(row?.v ?? 0) > this.current().version) await this.load(q);
  }

  private set(published: PublishedProgram[]): void {
    this.published = published;
    this.history = programHistory(published);
  }

  programs(): Programs {
    return this.history;
  }

  current(): Program {
    return this.history.latest();
  }

  /**
   * A phone number (digits and a leading +) as the program in force at `at` writes it: the
   * shop's own country the national way, so one number is one member however it was typed.
   */
  phoneOf(phone: string, at: number): string {
    return phoneOfInput(phone, this.history.at(at).phone);
  }

  /**
   * Every way a version of the program writes the number, the one in force at `at` first: a
   * member stored under an earlier phone rule is found by it (see phoneWritings).
   */
  phonesOf(phone: string, at: number): string[] {
    return phoneWritings(phone, this.history, at);
  }

  /** Versions newer than `version`, oldest first (what a device that has `version` lacks). */
  newerThan(version: number): PublishedProgram[] {
    return this.published.filter((p) => p.program.version > version);
  }

  /** Publications of this process, one after another (see publish). */
  private publishing: Promise<unknown> = Promise.resolve();

  /**
   * Validates and publishes a definition as the next version, in force from `now` (or from the
   * previous version's start, if that is later). Publications run one at a time: two at once
   * took the same version number, and the registry could end with its versions out of order.
   */
  publish(q: Queryable, input: unknown, now: number): Promise<Program> {
    const run = this.publishing.then(() => this.publishNext(q, input, now));
    this.publishing = run.catch(() => undefined);
    return run;
  }

  private async publishNext(q: Queryable, input: unknown, at: number): Promise<Program> {
    // Versions another process (the admin CLI) published meanwhile come first.
    await this.refresh(q);
    const now = Math.max(at, this.published.at(-1)?.effective_from ?? 0);
    const candidate =
      typeof input === 'object' && input !== null
        ? { ...(input as Record<string, unknown>) }
        : input;
    const next = this.current().version + 1;
    if (candidate && typeof candidate === 'object')
      (candidate as Record<string, unknown>).version = next;
    const program = parseProgram(candidate);
    await q.run(
      `INSERT INTO programs (version, definition, effective_from_ms, published_at) VALUES (?, ?, ?, ?)`,
      [program.version, JSON.stringify(program), now, new Date(now).toISOString()],
    );
    this.set([...this.published, { program, effective_from: now }]);
    return program;
  }
}
