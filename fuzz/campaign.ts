/**
 * The contract every `silt fuzz` campaign implements (lsm, metamorphic, crash, api, http,
 * concurrency), and what the CLI (fuzz/cli.ts), the CI budget pass and the regression files use.
 *
 * A campaign is deterministic given its seed: `run` derives every random choice from
 * `options.seed`, so `silt fuzz <campaign> --seed N` reproduces a run exactly. A failure carries a
 * shrunk counterexample twice: as a readable operation script for people, and as `replay` — plain
 * JSON that `campaign.replay(failure.replay)` re-executes without search — for the regression test
 * written under fuzz/regressions/.
 */

export interface CampaignProgress {
  /** Runs (sequences, crash points, requests …) completed so far. */
  runs: number;
  elapsedMs: number;
  /** Campaign-specific counters so far (e.g. { crashPoints: 812, powerLossImages: 812 }). */
  counts: Readonly<Record<string, number>>;
}

export interface CampaignOptions {
  seed: number;
  /** Stop after this many runs (a campaign-defined unit, printed in its counts). */
  runs?: number;
  /** Stop after this much wall time; with neither runs nor timeMs the campaign's default budget applies. */
  timeMs?: number;
  /** Called now and then (at most a few times a second) for the TTY progress line. */
  onProgress?: (progress: CampaignProgress) => void;
}

export interface CampaignFailure {
  campaign: string;
  seed: number;
  /** What went wrong (the assertion or error message). */
  message: string;
  /** The shrunk counterexample as a readable operation script, one operation per line. */
  script: string;
  /** JSON-serialisable input that `replay` re-runs to reproduce the failure deterministically. */
  replay: unknown;
}

export interface CampaignResult {
  campaign: string;
  seed: number;
  runs: number;
  elapsedMs: number;
  /** Counts the note and CI print (e.g. crash points, images checked, sequences, commands, requests). */
  counts: Record<string, number>;
  failure: CampaignFailure | null;
}

export interface Campaign {
  readonly name: string;
  /** One line for `silt fuzz --help`. */
  readonly description: string;
  /** The budget a CI pass runs (`runs` or `timeMs`), sized so every campaign together takes a few minutes. */
  readonly ciBudget: { runs?: number; timeMs?: number };
  run(options: CampaignOptions): Promise<CampaignResult>;
  /** Re-run one recorded counterexample; resolves to a result whose `failure` is null when it passes. */
  replay(replay: unknown): Promise<CampaignResult>;
}
