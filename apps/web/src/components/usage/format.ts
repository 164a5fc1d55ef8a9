// Usage figures as people read them: two decimals below 1, one below 100, whole above, grouped.
const digits = (n: number) =>
  new Intl.NumberFormat(undefined, { minimumFractionDigits: n, maximumFractionDigits: n });
const [whole, oneDecimal, twoDecimals] = [digits(0), digits(1), digits(2)];

/** A server that ran minutes shows as such ("0.05"), a sliver of a minute as "< 0.01". */
export function hours(n: number): string {
  if (n === 0) return "0";
  if (n < 0.01) return "< 0.01";
  return (n < 1 ? twoDecimals : n < 100 ? oneDecimal : whole).format(n);
}

/** The four totals of a usage report, labelled, in the order the pages show them. */
export const TOTALS = [
  { key: "instanceHours", label: "Instance hours", unit: "h" },
  { key: "vcpuHours", label: "vCPU hours", unit: "vCPU·h" },
  { key: "ramGbHours", label: "RAM GB-hours", unit: "GB·h" },
  { key: "diskGbHours", label: "Disk GB-hours", unit: "GB·h" },
] as const;
