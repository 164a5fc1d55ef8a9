// The stock `openstack` CLI (python3-openstackclient 6.0 with novaclient 18.1, installed by
// scripts/setup-host.sh) against the compute API, in front of the fake conductor: what clients
// really send (legacy and uuid service updates, name lookups after a 404, 409 handling).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aComputeNode, anInstance, aService } from "../../../test/fixtures";
import { startTestWeb, type TestWeb } from "../../../test/harness";

const run = promisify(execFile);
let t: TestWeb;

beforeAll(async () => {
  t = await startTestWeb();
  t.conductor.add(anInstance({ name: "web-1" }));
  t.conductor.add(anInstance({ name: "db-1", vmState: "stopped", powerState: 4 }));
  t.conductor.services.push(
    aService({ id: 1, host: "compute-a" }),
    aService({ id: 2, host: "ctl", binary: "nova-scheduler", zone: "internal" }),
  );
  t.conductor.nodes.push(aComputeNode({ id: 1 }));
});
afterAll(async () => {
  await t?.close();
});

/** Runs `openstack …` as `token`; resolves with stdout, or rejects with the CLI's stderr. */
async function openstack(token: string, ...args: string[]): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OS_")),
  ) as NodeJS.ProcessEnv;
  const auth = [
    "--os-auth-type",
    "admin_token",
    "--os-token",
    token,
    "--os-endpoint",
    `${t.base}/compute/v2.1`,
  ];
  try {
    const { stdout } = await run("openstack", [...auth, ...args], { env, timeout: 30_000 });
    return stdout;
  } catch (err) {
    throw new Error(String((err as { stderr?: string }).stderr ?? err));
  }
}
const json = async (token: string, ...args: string[]) =>
  JSON.parse(await openstack(token, ...args, "-f", "json"));

describe("openstack CLI 6.0", () => {
  it("lists servers and shows one by name (a 404 on the id, then a name search)", async () => {
    const list = await json("alice:p1", "server", "list");
    expect(list.map((s: { Name: string }) => s.Name).sort()).toEqual(["db-1", "web-1"]);
    const web = await json(
      "alice:p1",
      "--os-compute-api-version",
      "2.92",
      "server",
      "show",
      "web-1",
    );
    expect(web).toMatchObject({
      name: "web-1",
      status: "ACTIVE",
      flavor: { original_name: "m1.tiny" },
      "OS-EXT-SRV-ATTR:hostname": "web-1",
    });
  });

  it("stops a server, reports the conflict of stopping it again, and lists the action", async () => {
    await openstack("alice:p1", "server", "stop", "web-1");
    await expect(openstack("alice:p1", "server", "stop", "web-1")).rejects.toThrow(
      /Cannot 'stop' instance .* while it is in task_state powering-off \(HTTP 409\)/,
    );
    const events = await json("alice:p1", "server", "event", "list", "web-1");
    expect(events.map((e: { Action: string }) => e.Action)).toEqual(["stop"]);
    expect(await openstack("alice:p1", "console", "log", "show", "web-1")).toContain("login:");
  });

  it("disables a compute service the pre-2.53 way and the 2.53 way", async () => {
    const set = ["compute", "service", "set", "--disable", "--disable-reason", "maint"];
    await openstack(
      "admin:admin",
      "--os-compute-api-version",
      "2.1",
      ...set,
      "compute-a",
      "nova-compute",
    );
    expect(t.conductor.callsOf("update_service").at(-1)?.payload).toMatchObject({ ref: 1 });
    await openstack(
      "admin:admin",
      "--os-compute-api-version",
      "2.53",
      ...set,
      "compute-a",
      "nova-compute",
    );
    expect(t.conductor.callsOf("update_service").at(-1)?.payload).toMatchObject({
      ref: t.conductor.services[0]?.uuid,
      disabled: true,
      disabledReason: "maint",
    });
    const services = await json("admin:admin", "compute", "service", "list", "--long");
    expect(services[0]).toMatchObject({
      Host: "compute-a",
      Status: "disabled",
      "Disabled Reason": "maint",
    });
  });

  it("lists hypervisors and their statistics to admins", async () => {
    const hypervisors = await json("admin:admin", "hypervisor", "list");
    expect(hypervisors).toEqual([
      expect.objectContaining({ "Hypervisor Hostname": "compute-a", State: "up" }),
    ]);
    const stats = await json("admin:admin", "hypervisor", "stats", "show");
    expect(stats).toMatchObject({ count: 1, vcpus: 2, memory_mb_used: 512 });
    await expect(openstack("alice:p1", "hypervisor", "list")).rejects.toThrow(/HTTP 403/);
  });
});
