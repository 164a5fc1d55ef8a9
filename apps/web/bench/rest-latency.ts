// Latency of one REST endpoint over keep-alive connections (Node's fetch pools them):
//   npx tsx bench/rest-latency.ts http://127.0.0.1:8080/compute/v2.1/ [requests=5000] [concurrency=1]
// Run it against a server started apart (npm start), so client and server do not share a thread.
const [url = "http://127.0.0.1:8080/compute/v2.1/", total = "5000", parallel = "1"] =
  process.argv.slice(2);
const requests = Number(total);
const concurrency = Number(parallel);

async function once(): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - started;
}

async function run(count: number): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < count) samples.push(await once());
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return samples;
}

await run(Math.min(500, requests)); // warm up: JIT, connection pool
const started = performance.now();
const samples = (await run(requests)).sort((a, b) => a - b);
const seconds = (performance.now() - started) / 1000;
const pct = (p: number) =>
  samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))]!;
console.log(
  JSON.stringify({
    url,
    requests,
    concurrency,
    p50Ms: +pct(50).toFixed(3),
    p90Ms: +pct(90).toFixed(3),
    p99Ms: +pct(99).toFixed(3),
    maxMs: +samples.at(-1)!.toFixed(3),
    requestsPerSecond: Math.round(requests / seconds),
  }),
);
