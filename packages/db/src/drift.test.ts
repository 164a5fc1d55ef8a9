import { describe, expect, it } from "vitest";
import { defaultConstraintName, loadDatamodel, schemaFromDatamodel } from "./drift";

describe("defaultConstraintName", () => {
  it("follows Prisma's <table>_<columns>_<suffix> convention", () => {
    expect(defaultConstraintName("instances", ["project_id", "deleted"], "idx")).toBe(
      "instances_project_id_deleted_idx",
    );
    expect(defaultConstraintName("flavor_extra_specs", ["flavor_id", "key"], "key")).toBe(
      "flavor_extra_specs_flavor_id_key_key",
    );
  });

  it("cuts long names to MySQL's 64 characters, keeping the suffix", () => {
    const name = defaultConstraintName(
      "a_really_long_table_name",
      ["first_long_column", "second_long_column"],
      "fkey",
    );
    expect(name).toHaveLength(64);
    expect(name).toBe("a_really_long_table_name_first_long_column_second_long_colu_fkey");
  });
});

describe("the schema", () => {
  it("covers every foreign key with an index, so MySQL never adds one the schema does not know", async () => {
    const schema = schemaFromDatamodel(await loadDatamodel());
    const uncovered: string[] = [];
    for (const [table, t] of schema) {
      const keys = [t.primaryKey, ...[...t.indexes.values()].map((i) => i.columns)];
      for (const [name, fk] of t.foreignKeys) {
        const covered = keys.some((cols) => fk.columns.every((c, i) => cols[i] === c));
        if (!covered) uncovered.push(`${table}: ${name}`);
      }
    }
    expect(schema.size).toBeGreaterThan(20);
    expect(uncovered).toEqual([]);
  });
});
