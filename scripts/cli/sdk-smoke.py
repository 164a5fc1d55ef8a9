#!/usr/bin/python3
"""Drives a Nimbus cloud with openstacksdk (Debian's python3-openstacksdk 0.101): a private flavor,
a server from the seeded tiny-linux image waited for until ACTIVE, shown, deleted and waited for
until gone, then the flavor deleted. Credentials come from the OS_* variables of an openrc (an
admin's, since it makes a flavor): `source openrc && scripts/cli/sdk-smoke.py`. Prints
`PASS <step>` per step; the first failure prints `FAIL <step>: <error>` and exits 1. What it made
is deleted even then, and names are unique per run.

The shebang is Debian's Python on purpose: the SDK is a Debian package, which another python3
first on PATH (pyenv, a virtualenv) does not see.
"""
import secrets
import sys

try:
    import openstack
except ImportError:
    print(f"FAIL import openstacksdk: {sys.executable} lacks it; run ./scripts/cli/sdk-smoke.py "
          "(Debian's /usr/bin/python3, package python3-openstacksdk)")
    sys.exit(1)

# A TCG guest from a ~16 MiB image builds in seconds; leave room for a slow or busy host.
WAIT_SECONDS = 300
NAME = f"sdk-smoke-{secrets.token_hex(4)}"


class StepFailed(Exception):
    pass


def step(title, action):
    """Runs action(); prints PASS, or FAIL with the error and raises StepFailed."""
    try:
        result = action()
    except Exception as err:  # any error ends the run: say which step and why
        print(f"FAIL {title}: {type(err).__name__}: {err}", flush=True)
        raise StepFailed from err
    print(f"PASS {title}", flush=True)
    return result


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    conn = None
    made = {}

    def log_in():
        nonlocal conn
        conn = openstack.connect()  # the OS_* variables
        conn.authorize()
        return conn.current_project_id

    def create_flavor():
        # Private and shared with this project only, so nobody else on a real cloud sees it.
        made["flavor"] = conn.compute.create_flavor(
            name=NAME, ram=256, vcpus=1, disk=1, is_public=False
        )
        conn.compute.flavor_add_tenant_access(made["flavor"], project_id)

    def create_server():
        image = conn.image.find_image("tiny-linux", ignore_missing=False)
        # No network service: say so ("none"); the SDK speaks a microversion where it is required.
        server = conn.compute.create_server(
            name=NAME, image_id=image.id, flavor_id=made["flavor"].id, networks="none"
        )
        made["server"] = server
        made["image"] = image
        conn.compute.wait_for_server(server, status="ACTIVE", wait=WAIT_SECONDS)

    def show_server():
        server = conn.compute.get_server(made["server"].id)
        expect(server.name == NAME, f"name {server.name!r}")
        expect(server.status == "ACTIVE", f"status {server.status}")
        expect(server.image.id == made["image"].id, f"image {server.image.id}")
        expect(server.flavor.name == NAME, f"flavor {server.flavor.name!r}")
        expect(server.project_id == project_id, f"project {server.project_id}")

    def delete_server():
        conn.compute.delete_server(made["server"])
        conn.compute.wait_for_delete(made["server"], wait=WAIT_SECONDS)
        del made["server"]

    def delete_flavor():
        conn.compute.delete_flavor(made["flavor"], ignore_missing=False)
        del made["flavor"]

    try:
        project_id = step("log in (openstacksdk)", log_in)
        step("create flavor (openstacksdk)", create_flavor)
        step("create server, wait for ACTIVE (openstacksdk)", create_server)
        step("show server (openstacksdk)", show_server)
        step("delete server, wait until gone (openstacksdk)", delete_server)
        step("delete flavor (openstacksdk)", delete_flavor)
        return 0
    except StepFailed:
        return 1
    finally:
        left = cleanup(conn, made) if conn else []
        if left:
            print(f"FAIL clean up (openstacksdk): could not delete {', '.join(left)} {NAME}")
            sys.exit(1)


def cleanup(conn, made):
    """Deletes what a failed run left; returns what could not be deleted."""
    left = []
    if "server" in made:
        try:
            conn.compute.delete_server(made["server"], ignore_missing=True)
            conn.compute.wait_for_delete(made["server"], wait=WAIT_SECONDS)
        except Exception as err:
            print(f"clean up: server: {err}", file=sys.stderr)
            left.append("server")
    if "flavor" in made:
        try:
            conn.compute.delete_flavor(made["flavor"], ignore_missing=True)
        except Exception as err:
            print(f"clean up: flavor: {err}", file=sys.stderr)
            left.append("flavor")
    return left


if __name__ == "__main__":
    sys.exit(main())
