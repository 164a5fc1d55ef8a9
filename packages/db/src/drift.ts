// Drift detection: what the Prisma schema says the database looks like (from its DMMF, the model
// metadata `prisma generate` builds the client from) against what information_schema says a
// migrated database really looks like. Used by drift.int.test.ts; any difference is a bug in a
// hand-written migration (or in the schema).
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { getDMMF } from "@prisma/get-dmmf";
import type * as mariadb from "mariadb";
import { z } from "zod";

export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), "../prisma/schema.prisma");

export interface Column {
  type: string;
  nullable: boolean;
  /** The default as information_schema would show it, normalized; null when there is none. */
  default: string | null;
  autoIncrement: boolean;
}
export interface Index {
  unique: boolean;
  columns: string[];
}
export interface ForeignKey {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: string;
  onUpdate: string;
}
export interface Table {
  columns: Map<string, Column>;
  primaryKey: string[];
  /** Unique and plain indexes by name (not the primary key). */
  indexes: Map<string, Index>;
  foreignKeys: Map<string, ForeignKey>;
  /** Only read from the database: CHECK constraints, as name → clause. */
  checks: Map<string, string>;
  collation: string;
}
export type Schema = Map<string, Table>;

// ─── expected: the DMMF ────────────────────────────────────────────────────────────────────

// Only the parts of the DMMF this comparison reads, parsed so a Prisma upgrade that changes its
// shape fails loudly here instead of silently comparing nothing.
const dmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(["scalar", "object", "enum", "unsupported"]),
  type: z.string(),
  isRequired: z.boolean(),
  isId: z.boolean(),
  isUpdatedAt: z.boolean().optional(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  default: z.unknown().optional(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: z.string().optional(),
  relationOnUpdate: z.string().optional(),
});
const dmmfDatamodel = z.object({
  enums: z.array(z.unknown()),
  models: z.array(
    z.object({
      name: z.string(),
      dbName: z.string().nullable(),
      fields: z.array(dmmfField),
      primaryKey: z.object({ fields: z.array(z.string()) }).nullable(),
    }),
  ),
  indexes: z.array(
    z.object({
      model: z.string(),
      type: z.enum(["id", "unique", "normal", "fulltext"]),
      dbName: z.string().nullish(),
      fields: z.array(
        z.object({
          name: z.string(),
          sortOrder: z.enum(["asc", "desc"]).optional(),
          length: z.number().optional(),
        }),
      ),
    }),
  ),
});
type DmmfField = z.infer<typeof dmmfField>;

export async function loadDatamodel(schemaPath: string = SCHEMA_PATH) {
  const result = getDMMF({ datamodel: await readFile(schemaPath, "utf8") });
  if ("type" in result)
    throw new Error(`cannot read ${schemaPath}: ${result.reason}: ${result.error.message}`);
  return dmmfDatamodel.parse(result.datamodel);
}

const MYSQL_IDENTIFIER_MAX = 64;

/** Prisma's default constraint names: `<table>_<columns>_<suffix>`, cut to fit in 64 bytes. */
export function defaultConstraintName(
  table: string,
  columns: string[],
  suffix: "key" | "idx" | "fkey",
) {
  const base = `${table}_${columns.join("_")}`;
  const room = MYSQL_IDENTIFIER_MAX - suffix.length - 1;
  return `${base.length >= room ? base.slice(0, room) : base}_${suffix}`;
}

const SCALAR_TYPES: Record<string, string> = {
  String: "varchar(191)",
  Int: "int",
  BigInt: "bigint",
  Float: "double",
  Decimal: "decimal(65,30)",
  Boolean: "tinyint(1)",
  DateTime: "datetime(3)",
  Json: "json",
  Bytes: "longblob",
};

function expectedType(field: DmmfField): string {
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    // UnsignedInt -> "int unsigned", VarChar(255) -> "varchar(255)", Decimal(10, 2) -> "decimal(10,2)"
    const unsigned = name.startsWith("Unsigned");
    const base = (unsigned ? name.slice("Unsigned".length) : name).toLowerCase();
    const params = args.length > 0 ? `(${args.map((a) => a.trim()).join(",")})` : "";
    return `${base}${params}${unsigned ? " unsigned" : ""}`;
  }
  const type = SCALAR_TYPES[field.type];
  if (!type)
    throw new Error(`the drift test does not know Prisma type ${field.type} (field ${field.name})`);
  return type;
}

function expectedDefault(
  field: DmmfField,
  type: string,
): { default: string | null; autoIncrement: boolean } {
  const d = field.default;
  if (d === undefined || d === null) return { default: null, autoIncrement: false };
  if (typeof d === "object" && "name" in d) {
    const fn = d as { name: string; args: unknown[] };
    if (fn.name === "autoincrement") return { default: null, autoIncrement: true };
    if (fn.name === "now")
      return {
        default: `current_timestamp(${/\((\d)\)/.exec(type)?.[1] ?? "3"})`,
        autoIncrement: false,
      };
    if (fn.name === "dbgenerated" && typeof fn.args[0] === "string") {
      return { default: fn.args[0].toLowerCase(), autoIncrement: false };
    }
    // uuid(), cuid(), ... are generated by the client and leave no trace in the database.
    return { default: null, autoIncrement: false };
  }
  if (typeof d === "boolean") return { default: d ? "1" : "0", autoIncrement: false };
  if (typeof d === "number") return { default: String(d), autoIncrement: false };
  if (typeof d === "string") return { default: d, autoIncrement: false };
  throw new Error(
    `the drift test does not understand the default of ${field.name}: ${JSON.stringify(d)}`,
  );
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

/** The database the schema describes, in the same shape as `readDatabaseSchema` returns. */
export function schemaFromDatamodel(dm: z.infer<typeof dmmfDatamodel>): Schema {
  if (dm.enums.length > 0) throw new Error("the drift test does not handle enums yet");
  const tableOf = new Map(dm.models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: string, field: string) => {
    const f = dm.models.find((m) => m.name === model)?.fields.find((x) => x.name === field);
    if (!f) throw new Error(`no field ${model}.${field}`);
    return f.dbName ?? f.name;
  };

  const schema: Schema = new Map();
  for (const model of dm.models) {
    const table = tableOf.get(model.name)!;
    const columns = new Map<string, Column>();
    const foreignKeys = new Map<string, ForeignKey>();
    for (const field of model.fields) {
      if (field.kind === "scalar") {
        const type = expectedType(field);
        columns.set(field.dbName ?? field.name, {
          type,
          nullable: !field.isRequired,
          ...expectedDefault(field, type),
        });
      } else if (field.kind === "object" && field.relationFromFields?.length) {
        const from = field.relationFromFields.map((f) => columnOf(model.name, f));
        const allRequired = field.relationFromFields.every(
          (f) => model.fields.find((x) => x.name === f)?.isRequired,
        );
        // Prisma's defaults when the schema does not say.
        const onDelete = field.relationOnDelete ?? (allRequired ? "Restrict" : "SetNull");
        const onUpdate = field.relationOnUpdate ?? "Cascade";
        foreignKeys.set(defaultConstraintName(table, from, "fkey"), {
          columns: from,
          referencedTable: tableOf.get(field.type)!,
          referencedColumns: (field.relationToFields ?? []).map((f) => columnOf(field.type, f)),
          onDelete: REFERENTIAL_ACTIONS[onDelete] ?? onDelete,
          onUpdate: REFERENTIAL_ACTIONS[onUpdate] ?? onUpdate,
        });
      } else if (field.kind !== "object") {
        throw new Error(
          `the drift test does not handle ${field.kind} field ${model.name}.${field.name}`,
        );
      }
    }

    let primaryKey: string[] = [];
    const indexes = new Map<string, Index>();
    for (const idx of dm.indexes.filter((i) => i.model === model.name)) {
      const cols = idx.fields.map((f) => {
        const name = columnOf(model.name, f.name);
        return `${name}${f.length ? `(${f.length})` : ""}${f.sortOrder === "desc" ? " desc" : ""}`;
      });
      if (idx.type === "id") {
        primaryKey = cols;
        continue;
      }
      const plain = idx.fields.map((f) => columnOf(model.name, f.name));
      const name =
        idx.dbName ?? defaultConstraintName(table, plain, idx.type === "unique" ? "key" : "idx");
      indexes.set(name, { unique: idx.type === "unique", columns: cols });
    }
    schema.set(table, {
      columns,
      primaryKey,
      indexes,
      foreignKeys,
      checks: new Map(),
      collation: "utf8mb4_unicode_ci",
    });
  }
  return schema;
}

// ─── actual: information_schema ────────────────────────────────────────────────────────────

const MIGRATIONS_TABLE = "_prisma_migrations";

function normalizeType(columnType: string): string {
  const t = columnType.toLowerCase().trim();
  if (t === "tinyint(1)") return t; // BOOLEAN
  // Integer display widths (int(11)) are cosmetic; MySQL 8 no longer shows them.
  return t.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1");
}

const NUMERIC = /^(tinyint|smallint|mediumint|int|bigint|double|float|decimal)/;

function normalizeDefault(raw: string | null, type: string, isMariaDb: boolean): string | null {
  if (raw === null) return null;
  // MariaDB quotes literals and writes an absent default as the word NULL; MySQL does neither.
  if (isMariaDb && raw === "NULL") return null;
  let v = raw;
  if (isMariaDb && /^'.*'$/s.test(v)) v = v.slice(1, -1).replaceAll("''", "'");
  if (/^current_timestamp/i.test(v)) return v.toLowerCase();
  if (NUMERIC.test(type) && v !== "" && !Number.isNaN(Number(v))) return String(Number(v));
  return v;
}

/** The schema of `database` as the server reports it. */
export async function readDatabaseSchema(
  conn: mariadb.Connection,
  database: string,
): Promise<Schema> {
  const [version] = await conn.query<{ v: string }[]>("SELECT VERSION() AS v");
  const isMariaDb = /mariadb/i.test(version?.v ?? "");

  const tables = await conn.query<{ name: string; collation: string }[]>(
    `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ?`,
    [database, MIGRATIONS_TABLE],
  );
  const schema: Schema = new Map();
  for (const t of tables) {
    schema.set(t.name, {
      columns: new Map(),
      primaryKey: [],
      indexes: new Map(),
      foreignKeys: new Map(),
      checks: new Map(),
      collation: t.collation,
    });
  }
  const tableOf = (name: string) => schema.get(name);

  const columns = await conn.query<
    {
      table: string;
      name: string;
      type: string;
      nullable: string;
      def: string | null;
      extra: string;
    }[]
  >(
    `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS def, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  for (const c of columns) {
    const type = normalizeType(c.type);
    tableOf(c.table)?.columns.set(c.name, {
      type,
      nullable: c.nullable === "YES",
      default: normalizeDefault(c.def, type, isMariaDb),
      autoIncrement: /auto_increment/i.test(c.extra),
    });
  }

  const stats = await conn.query<
    {
      table: string;
      name: string;
      nonUnique: number | bigint;
      column: string;
      subPart: number | null;
      collation: string | null;
    }[]
  >(
    `SELECT TABLE_NAME AS \`table\`, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS \`column\`,
            SUB_PART AS subPart, COLLATION AS collation
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  for (const s of stats) {
    const table = tableOf(s.table);
    if (!table) continue;
    const col = `${s.column}${s.subPart ? `(${s.subPart})` : ""}${s.collation === "D" ? " desc" : ""}`;
    if (s.name === "PRIMARY") {
      table.primaryKey.push(col);
      continue;
    }
    const idx = table.indexes.get(s.name) ?? { unique: Number(s.nonUnique) === 0, columns: [] };
    idx.columns.push(col);
    table.indexes.set(s.name, idx);
  }

  const fks = await conn.query<
    {
      table: string;
      name: string;
      column: string;
      refTable: string;
      refColumn: string;
      onDelete: string;
      onUpdate: string;
    }[]
  >(
    `SELECT k.TABLE_NAME AS \`table\`, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS \`column\`,
            k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refColumn,
            r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
        AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [database],
  );
  for (const f of fks) {
    const table = tableOf(f.table);
    if (!table) continue;
    const fk = table.foreignKeys.get(f.name) ?? {
      columns: [],
      referencedTable: f.refTable,
      referencedColumns: [],
      onDelete: f.onDelete,
      onUpdate: f.onUpdate,
    };
    fk.columns.push(f.column);
    fk.referencedColumns.push(f.refColumn);
    table.foreignKeys.set(f.name, fk);
  }

  // CHECK constraint names are per table on MariaDB (a JSON column's check is named after the
  // column), so join on the table there; MySQL's CHECK_CONSTRAINTS has no TABLE_NAME column.
  const checks = await conn.query<{ table: string; name: string; clause: string }[]>(
    isMariaDb
      ? `SELECT TABLE_NAME AS \`table\`, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
           FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`
      : `SELECT tc.TABLE_NAME AS \`table\`, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
           FROM information_schema.TABLE_CONSTRAINTS tc
           JOIN information_schema.CHECK_CONSTRAINTS cc
             ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
          WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA = ?`,
    [database],
  );
  for (const c of checks) tableOf(c.table)?.checks.set(c.name, c.clause);

  return schema;
}

// ─── the comparison ────────────────────────────────────────────────────────────────────────

const describeColumn = (c: Column) =>
  `${c.type} ${c.nullable ? "NULL" : "NOT NULL"}${c.autoIncrement ? " AUTO_INCREMENT" : ""}${c.default !== null ? ` DEFAULT ${c.default}` : ""}`;
const describeIndex = (i: Index) => `${i.unique ? "UNIQUE " : ""}(${i.columns.join(", ")})`;
const describeFk = (f: ForeignKey) =>
  `(${f.columns.join(", ")}) REFERENCES ${f.referencedTable}(${f.referencedColumns.join(", ")}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`;

/** MariaDB stores JSON as LONGTEXT plus CHECK (json_valid(`col`)): the one known difference. */
function isMariaDbJson(name: string, actual: Column, table: Table): boolean {
  const clause = table.checks.get(name)?.replace(/\s+/g, "").toLowerCase();
  return actual.type === "longtext" && clause === `json_valid(\`${name.toLowerCase()}\`)`;
}

/** Every difference between the expected and the actual schema, one readable line each. */
export function compareSchemas(expected: Schema, actual: Schema): string[] {
  const problems: string[] = [];
  for (const [name] of actual) {
    if (!expected.has(name)) problems.push(`table ${name}: in the database but not in the schema`);
  }
  for (const [name, exp] of expected) {
    const act = actual.get(name);
    if (!act) {
      problems.push(`table ${name}: missing from the database`);
      continue;
    }
    if (act.collation !== exp.collation) {
      problems.push(`table ${name}: collation is ${act.collation}, expected ${exp.collation}`);
    }

    const jsonChecks = new Set<string>();
    for (const [col, e] of exp.columns) {
      const a = act.columns.get(col);
      if (!a) {
        problems.push(
          `${name}.${col}: column missing from the database (expected ${describeColumn(e)})`,
        );
        continue;
      }
      let actualType = a.type;
      if (e.type === "json" && isMariaDbJson(col, a, act)) {
        actualType = "json";
        jsonChecks.add(col);
      }
      const normalized = { ...a, type: actualType };
      if (describeColumn(normalized) !== describeColumn(e)) {
        problems.push(
          `${name}.${col}: is ${describeColumn(normalized)}, expected ${describeColumn(e)}`,
        );
      }
    }
    for (const col of act.columns.keys()) {
      if (!exp.columns.has(col))
        problems.push(`${name}.${col}: column in the database but not in the schema`);
    }

    if (act.primaryKey.join(",") !== exp.primaryKey.join(",")) {
      problems.push(
        `table ${name}: primary key is (${act.primaryKey.join(", ")}), expected (${exp.primaryKey.join(", ")})`,
      );
    }

    compareNamed(problems, `table ${name}: index`, exp.indexes, act.indexes, describeIndex);
    compareNamed(
      problems,
      `table ${name}: foreign key`,
      exp.foreignKeys,
      act.foreignKeys,
      describeFk,
    );

    for (const [check, clause] of act.checks) {
      if (!jsonChecks.has(check))
        problems.push(`table ${name}: CHECK constraint ${check} (${clause}) is not in the schema`);
    }
  }
  return problems;
}

function compareNamed<T>(
  problems: string[],
  what: string,
  expected: Map<string, T>,
  actual: Map<string, T>,
  describe: (t: T) => string,
) {
  for (const [name, e] of expected) {
    const a = actual.get(name);
    if (!a) problems.push(`${what} ${name} ${describe(e)} is missing from the database`);
    else if (describe(a) !== describe(e))
      problems.push(`${what} ${name} is ${describe(a)}, expected ${describe(e)}`);
  }
  for (const [name, a] of actual) {
    if (!expected.has(name))
      problems.push(`${what} ${name} ${describe(a)} is in the database but not in the schema`);
  }
}
