// os-services, os-hypervisors and os-instance-actions views against the field sets of Nova's
// api_samples (doc/api_samples/os-services/**, os-hypervisors/**, os-instance-actions/**).
import { describe, expect, it } from "vitest";
import { aComputeNode, anAction, aService } from "../../../test/fixtures";
import { Microversion } from "../microversion";
import { hypervisorView, statisticsView } from "./hypervisors";
import { actionView, eventView, eventVisibility } from "./instance-actions";
import { serviceView } from "./os-services";

const v = Microversion.of;
const keys = (o: object) => Object.keys(o).sort();
const sorted = (list: string) => list.split(/\s+/).filter(Boolean).sort();
const admin = { roles: ["admin", "member", "reader"], projectId: "admin" };
const member = { roles: ["member", "reader"], projectId: "p1" };

describe("os-services view", () => {
  const service = aService({ disabled: true, disabledReason: "maintenance" });

  it("has the 2.1 fields, forced_down from 2.11, a uuid id from 2.53", () => {
    const base = "binary disabled_reason host id state status updated_at zone";
    expect(keys(serviceView(service, v("2.1")))).toEqual(sorted(base));
    expect(keys(serviceView(service, v("2.11")))).toEqual(sorted(`${base} forced_down`));
    expect(serviceView(service, v("2.52")).id).toBe(7);
    expect(serviceView(service, v("2.53")).id).toBe(service.uuid);
  });

  it("derives status and state; forced down is down", () => {
    expect(serviceView(service, v("2.53"))).toMatchObject({
      status: "disabled",
      state: "up",
      disabled_reason: "maintenance",
      updated_at: "2026-01-02T03:04:05.678000",
    });
    expect(serviceView(aService({ forcedDown: true }), v("2.53")).state).toBe("down");
    expect(serviceView(aService({ up: false }), v("2.53")).state).toBe("down");
  });
});

describe("os-hypervisors views", () => {
  const node = aComputeNode();
  const OLD_DETAIL = `cpu_info current_workload disk_available_least free_disk_gb free_ram_mb
    host_ip hypervisor_hostname hypervisor_type hypervisor_version id local_gb local_gb_used
    memory_mb memory_mb_used running_vms service state status vcpus vcpus_used`;

  it("lists id, hostname, state and status", () => {
    expect(keys(hypervisorView(node, v("2.1"), false))).toEqual(
      sorted("hypervisor_hostname id state status"),
    );
    expect(hypervisorView(node, v("2.52"), false).id).toBe(3);
    expect(hypervisorView(node, v("2.53"), false).id).toBe(node.uuid);
  });

  it("details capacity and usage until 2.88, then uptime instead", () => {
    const old = hypervisorView(node, v("2.1"), true);
    expect(keys(old)).toEqual(sorted(OLD_DETAIL));
    expect(old).toMatchObject({ free_ram_mb: 7680, free_disk_gb: 99, disk_available_least: 80 });
    expect(typeof old.cpu_info).toBe("string"); // a JSON string before 2.28
    expect(hypervisorView(node, v("2.28"), true).cpu_info).toEqual(node.cpuInfo);
    expect(keys(hypervisorView(node, v("2.88"), true))).toEqual(
      sorted(
        "host_ip hypervisor_hostname hypervisor_type hypervisor_version id service state status uptime",
      ),
    );
    expect(hypervisorView(node, v("2.53"), true).service).toEqual({
      id: node.service.uuid,
      host: "compute-a",
      disabled_reason: null,
    });
  });

  it("lists servers by instance name when asked; [] from 2.75 when there are none", () => {
    const uuid = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
    const withOne = { ...node, servers: [{ uuid, name: "web-1" }] };
    expect(hypervisorView(withOne, v("2.53"), false, true).servers).toEqual([
      { name: `instance-${uuid}`, uuid },
    ]);
    expect(hypervisorView({ ...node, servers: [] }, v("2.74"), false, true)).not.toHaveProperty(
      "servers",
    );
    expect(hypervisorView({ ...node, servers: [] }, v("2.75"), false, true).servers).toEqual([]);
  });

  it("sums the statistics of enabled compute services only", () => {
    const disabled = aComputeNode({ id: 4 }, { disabled: true });
    const { hypervisor_statistics: s } = statisticsView([node, node, disabled]);
    expect(keys(s)).toEqual(
      sorted(`count current_workload disk_available_least free_disk_gb free_ram_mb local_gb
        local_gb_used memory_mb memory_mb_used running_vms vcpus vcpus_used`),
    );
    expect(s).toMatchObject({ count: 2, vcpus: 4, memory_mb_used: 1024, free_ram_mb: 15360 });
  });
});

describe("os-instance-actions views", () => {
  const action = anAction();
  const event = action.events[0]!;
  const ACTION = "action instance_uuid message project_id request_id start_time user_id";

  it("lists actions with updated_at from 2.58, times as Nova writes them", () => {
    expect(keys(actionView(action, v("2.1")))).toEqual(sorted(ACTION));
    expect(keys(actionView(action, v("2.58")))).toEqual(sorted(`${ACTION} updated_at`));
    expect(actionView(action, v("2.1")).start_time).toBe("2026-01-02T03:04:05.678000");
  });

  it.each([
    ["2.1", admin, "event finish_time result start_time traceback"],
    ["2.51", member, "event finish_time result start_time"],
    ["2.62", member, "event finish_time hostId result start_time"],
    ["2.62", admin, "event finish_time host hostId result start_time traceback"],
    // members see the details too: they carry the scheduler's explanation (see the policy table)
    ["2.84", member, "details event finish_time hostId result start_time"],
    ["2.84", admin, "details event finish_time host hostId result start_time traceback"],
  ] as const)("shows events at %s with the sample's fields", (version, who, fields) => {
    const show = eventVisibility(v(version), who);
    expect(show.events).toBe(true);
    expect(keys(eventView(event, "p1", show))).toEqual(sorted(fields));
  });

  it("shows no events to users before 2.51", () => {
    expect(eventVisibility(v("2.50"), member).events).toBe(false);
  });
});
