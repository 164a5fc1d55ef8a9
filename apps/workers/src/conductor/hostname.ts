// Names of new servers, as Nova's API gives them: several servers from one request are numbered
// (multi_instance_display_name_template "%(name)s-%(count)d"), and each gets a hostname that is
// a valid DNS label derived from its name (nova.utils.sanitize_hostname).

export function displayNameFor(name: string, index: number, count: number): string {
  return count > 1 ? `${name}-${index + 1}` : name;
}

/** Latin-1 only, at most 63 characters, [a-z0-9-] (and Latin-1 letters), no leading/trailing -. */
export function sanitizeHostname(name: string, uuid: string): string {
  const clean = (s: string) =>
    [...s]
      .filter((c) => c.codePointAt(0)! <= 0xff)
      .join("")
      .slice(0, 63)
      .replace(/[ _.]/g, "-")
      .replace(/[^\p{L}\p{N}_-]+/gu, "")
      .toLowerCase()
      .replace(/^[.-]+|[.-]+$/g, "");
  return clean(name) || clean(`Server-${uuid}`);
}
