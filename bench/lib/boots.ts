// Booting servers the way clients do: POST /servers, then wait until the server is seen ACTIVE.
// A closed loop: each client starts its next boot when its last one settled.
import type { Cloud } from "./cloud";

export interface Boot {
  uuid: string;
  /** performance.now() just before the POST */
  startedAt: number;
  /** POST → 202, ms */
  acceptedMs: number;
  /** POST → seen ACTIVE (or ERROR), ms */
  settledMs: number;
  state: "active" | "error";
}

export async function bootOne(cloud: Cloud, flavorRef: string, name: string): Promise<Boot> {
  const startedAt = performance.now();
  const res = await cloud.api.post("/servers", {
    server: { name, imageRef: cloud.imageId, flavorRef, networks: "none" },
  });
  const acceptedMs = performance.now() - startedAt;
  if (res.status !== 202)
    throw new Error(`POST /servers: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const uuid = res.body.server.id as string;
  const { state, at } = await cloud.settled(uuid);
  return { uuid, startedAt, acceptedMs, settledMs: at - startedAt, state };
}

/** `count` boots by `clients` closed-loop clients; the boots in the order they finished. */
export async function closedLoop(
  cloud: Cloud,
  opts: { clients: number; count: number; flavorRef: string; prefix: string },
): Promise<Boot[]> {
  const done: Boot[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (started < opts.count) {
        const n = started++;
        done.push(await bootOne(cloud, opts.flavorRef, `${opts.prefix}-${n}`));
      }
    }),
  );
  return done;
}

/** Delete servers (a running cloud's; a stack of our own is dropped whole) and wait for them. */
export async function deleteServers(cloud: Cloud, uuids: string[], clients = 10): Promise<void> {
  const queue = [...uuids];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let uuid = queue.pop(); uuid; uuid = queue.pop()) {
        await cloud.api.delete(`/servers/${uuid}`);
        const deadline = Date.now() + 120_000;
        while ((await cloud.api.get(`/servers/${uuid}`)).status !== 404) {
          if (Date.now() > deadline) throw new Error(`server ${uuid} not deleted in 120 s`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }),
  );
}
