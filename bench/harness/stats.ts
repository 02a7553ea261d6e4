// The numbers of the benchmark table. In: the wall times and peak memory of repeated runs of one
// engine on one workload. Out: medians, ranges, ratios and their printed forms.
// Pure functions, so the table's arithmetic is unit-tested apart from any timing; a figure that
// was not measured stays `null` all the way to the table, where it prints as a dash, rather than
// becoming a zero that a ratio or a goal would read as a real measurement.

/** The median of the samples (the mean of the two middle ones for an even count), or null. */
export function median(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function minimum(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : Math.min(...samples);
}

export function maximum(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : Math.max(...samples);
}

/** `value / reference`, or null when either is missing or the reference is not positive. */
export function ratio(value: number | null | undefined, reference: number | null | undefined): number | null {
  if (value == null || reference == null || !(reference > 0) || !Number.isFinite(value)) return null;
  return value / reference;
}

export interface Summary {
  readonly runs: number;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export function summarize(samples: readonly number[]): Summary {
  return { runs: samples.length, median: median(samples), min: minimum(samples), max: maximum(samples) };
}

const DASH = "–";

/** Seconds with three significant decimals below 10 s, two above: `0.462`, `12.31`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds == null) return DASH;
  if (seconds < 10) return seconds.toFixed(3);
  return seconds.toFixed(2);
}

/** `0.450–0.481`: the spread of the runs, so a reader sees how much to trust the median. */
export function formatRange(min: number | null, max: number | null): string {
  if (min == null || max == null) return DASH;
  return `${formatSeconds(min)}–${formatSeconds(max)}`;
}

/** Peak memory in MiB from KiB (what `/usr/bin/time -f %M` and `maxRSS` report). */
export function formatMebibytes(kibibytes: number | null): string {
  if (kibibytes == null) return DASH;
  return (kibibytes / 1024).toFixed(0);
}

/** `1.23×`; two decimals are as much precision as run-to-run drift (±25%) allows. */
export function formatRatio(value: number | null): string {
  if (value == null) return DASH;
  return `${value.toFixed(2)}×`;
}

/** Integers with thousands separators: `1,999,000`. */
export function formatCount(value: number | null): string {
  if (value == null) return DASH;
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
