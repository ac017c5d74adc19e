/**
 * Several pages of one walk in flight, without giving up the walks' consistency rules.
 *
 * The walks (recog-walk.ts) prove "nothing skipped" for two pages read one after the other: page n+1
 * asked for after page n arrived. Pages asked for at the same time may be answered in either order,
 * and a page answered *before* the one above it can miss rows when, between the two answers, new rows
 * arrived at the top while older rows were deleted below (the totals then cancel out, so the step-back
 * rule cannot see it). So pages are read in rounds, and each answer comes with whether that proof, or
 * another, still holds for it and the page the walk used just before:
 *
 * - a round of up to `inFlight` consecutive pages is asked for at once; the next round is asked for
 *   only when the whole round has arrived, so the first page of a round always follows the last of
 *   the previous one (`inOrder: true`, the one-after-the-other proof);
 * - with every round a *witness* is asked for too (for recognition logs: the device's newest record,
 *   `latest=1`). Rows arrive only at the top with a new, larger id, so when the witness read before a
 *   round was sent equals the one read after the whole round arrived, no row arrived while the round's
 *   pages were answered: whatever their order, rows only left, and rows leaving never open a gap
 *   between pages answered out of order (`inOrder: true` for every page of the round);
 * - otherwise the later pages of the round carry `inOrder: false`: the walk uses such a page only when
 *   it overlaps what was written (which proves no gap in any order), and otherwise asks for it again
 *   with `restart` (that request follows everything the walk used).
 *
 * A round in which rows arrived halves the next ones (down to one page, the sequential walk); a quiet
 * one doubles them back up to `inFlight`, so a busy device does not have pages asked for twice.
 *
 * Bounds: at most `inFlight` page requests and one witness request at a time; at most one round
 * (`inFlight` answers) held while the next is in flight. Pages the walk no longer needs (after a step
 * back, a restart or the end) are waited for before new requests go out, so the bound holds then too.
 */

export interface RoundsOptions<P> {
  /** Pages asked for at once (1: one page ahead of the walk, the sequential walk). */
  inFlight: number;
  /** How many pages the answer says exist (undefined when it does not say). */
  pagesOf: (page: P) => number | undefined;
  /**
   * A value that changes whenever a row arrives (compared with `===`); pages are in flight together
   * only when it is given. A failed read counts as "changed".
   */
  witness?: () => Promise<string>;
}

export interface RoundAnswer<P> {
  page: P;
  /** Whether the walk's one-after-the-other rules hold between this page and the one it used before. */
  inOrder: boolean;
}

export interface PageRounds<P> {
  /**
   * The answer for `pageNo`. The walk asks for consecutive pages; any other number (a step back, a
   * page asked for again) drops what is in flight and starts a new round there.
   */
  get(pageNo: number): Promise<RoundAnswer<P>>;
  /** Ask for `pageNo` again after the page used before it: drops what is in flight. */
  restart(): void;
  /** Waits for every request still out (the walk ended). */
  close(): Promise<void>;
  /** Page requests in flight right now (for tests of the bound). */
  readonly inFlight: number;
}

interface Round<P> {
  start: number;
  /** Pages asked for in this round. */
  count: number;
  /** The answers, each let go (undefined) once the walk has it: what the walk wrote is not held. */
  answers: (Promise<P> | undefined)[];
  /** When every answer has arrived or failed (holds none of them). */
  settled: Promise<unknown>;
  /** Witness value read (arrived) before the round was sent; undefined when none or it failed. */
  before: string | undefined;
  /** Witness asked for once the whole round had arrived. */
  after?: Promise<string | undefined>;
}

const quiet = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.then(
    (v) => v,
    () => undefined,
  );

/** Pages of one walk in rounds (see the module comment). `fetchPage(n)` answers page n from 1. */
export function pageRounds<P>(fetchPage: (pageNo: number) => Promise<P>, opts: RoundsOptions<P>): PageRounds<P> {
  // Without a witness, pages answered out of order could not be used: one page ahead only.
  const limit = opts.witness ? Math.max(1, Math.floor(opts.inFlight)) : 1;
  const witness = limit > 1 ? opts.witness : undefined;
  // Rounds halve when rows arrived during one (its later pages may be asked for again) and double
  // back when none did: while a device is busy, few pages are asked for twice.
  let size = limit;
  let head: Round<P> | undefined;
  let next: Round<P> | undefined;
  /** The witness read last (arrived or not). */
  let lastWitness: Promise<string | undefined> | undefined;
  let knownPages = 1;
  let running = 0;
  let restartWanted = false;
  /** The page the walk asks for next when it goes on (the one after the page returned last). */
  let expected = 0;

  const ask = (pageNo: number): Promise<P> => {
    running++;
    const answer = fetchPage(pageNo).finally(() => {
      running--;
    });
    answer.catch(() => {});
    return answer;
  };

  /** Answer `index` of `round`, let go by the round: each is asked for once (the walk moves on). */
  const take = (round: Round<P>, index: number): Promise<P> => {
    const answer = round.answers[index] as Promise<P>;
    round.answers[index] = undefined;
    return answer;
  };

  const readWitness = (): Promise<string | undefined> | undefined => {
    if (!witness) return undefined;
    lastWitness = quiet(witness());
    return lastWitness;
  };

  const send = (start: number, count: number, before: string | undefined): Round<P> => {
    const answers = Array.from({ length: count }, (_, i) => ask(start + i));
    return { start, count, answers, settled: Promise.allSettled(answers).then(() => undefined), before };
  };

  /** Waits for everything still out, so a new round never exceeds the bound. */
  const drop = async (): Promise<void> => {
    const out = [head?.settled, next?.settled, lastWitness];
    head = undefined;
    next = undefined;
    await Promise.all(out);
  };

  /** `round` has arrived whole: read the witness that follows it, and send the next round. */
  const advance = async (round: Round<P>): Promise<void> => {
    const pages = await Promise.all(round.answers as Promise<P>[]);
    for (const p of pages) knownPages = Math.max(knownPages, opts.pagesOf(p) ?? 0);
    const start = round.start + round.count;
    const count = Math.min(size, knownPages - start + 1);
    // The next round's "before": the witness read last, arrived before any of its pages is asked for
    // (and before the next witness goes out: one at a time).
    const before = lastWitness ? await lastWitness : undefined;
    round.after = readWitness();
    // Every round, even of one page, tells whether rows arrived: the size of the rounds after it.
    round.after?.then((after) => {
      if (round.before === undefined) return;
      size = after === round.before ? Math.min(limit, size * 2) : Math.max(1, Math.floor(size / 2));
    });
    if (count > 0) next = send(start, count, before);
  };

  const firstRound = async (pageNo: number): Promise<void> => {
    await drop();
    const count = pageNo === 1 ? 1 : Math.max(1, Math.min(size, knownPages - pageNo + 1));
    const before = lastWitness ? await lastWitness : undefined;
    // A witness read with the first page, so the second round has a "before".
    if (!lastWitness) readWitness();
    head = send(pageNo, count, before);
  };

  return {
    get inFlight() {
      return running;
    },
    restart() {
      restartWanted = true;
    },
    async get(pageNo) {
      const headEnd = head ? head.start + head.count : 0;
      // Only the page after the one returned last comes from what is in flight; any other (a step
      // back, a page asked for again) is read anew.
      if (restartWanted || !head || pageNo !== expected) {
        restartWanted = false;
        await firstRound(pageNo);
      } else if (pageNo === headEnd) {
        if (next?.start === pageNo) {
          head = next;
          next = undefined;
        } else await firstRound(pageNo);
      }
      expected = pageNo + 1;
      const round = head as Round<P>;
      const index = pageNo - round.start;
      if (index === 0) {
        await advance(round);
        return { page: await take(round, 0), inOrder: true };
      }
      const page = await take(round, index);
      const after = round.after ? await round.after : undefined;
      return { page, inOrder: round.before !== undefined && after === round.before };
    },
    close: drop,
  };
}
