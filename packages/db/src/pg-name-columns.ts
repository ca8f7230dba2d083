// Workaround for prisma/orm#27403: @prisma/adapter-pg 6.19 cannot deserialize result columns of
// PostgreSQL's `name` (OID 19) and `"char"` (OID 18) types, which the schema engine's
// introspection queries return, so `prisma migrate deploy` fails with "Column type 'name' could
// not be deserialized". The 7.x adapter fixes it. Until then the migration adapter uses this
// client, which reports those columns as `text` (OID 25) — their values already arrive as text.
import pg from "pg";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

interface FieldLike {
  dataTypeID: number;
}

function reportNameColumnsAsText(result: unknown): unknown {
  const fields: unknown = typeof result === "object" && result !== null ? Reflect.get(result, "fields") : undefined;
  if (Array.isArray(fields)) {
    for (const field of fields as FieldLike[]) {
      if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

export class NameColumnsAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query: (...args: unknown[]) => unknown = this.query.bind(this);
    // pg.Client#query has many overloads; pg.Pool#query (what the adapter calls) uses the
    // callback form, direct callers the promise form. Both are rewritten.
    Reflect.set(this, "query", (...args: unknown[]) => {
      const callbackAt = args.findIndex((arg) => typeof arg === "function");
      const callback = args[callbackAt];
      if (typeof callback === "function") {
        args[callbackAt] = (error: unknown, result: unknown) => callback(error, reportNameColumnsAsText(result));
        return query(...args);
      }
      const outcome = query(...args);
      return outcome instanceof Promise ? outcome.then(reportNameColumnsAsText) : outcome;
    });
  }
}
