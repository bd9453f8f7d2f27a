// Stands in for the native `libsql` module in the Lambda bundles. The handlers reach SQLite files only
// through the local knowledge base (INCIDENTS_KB_MODE=local with a file: URL), which is meant for
// laptops and tests; in Lambda use Bedrock, no knowledge base, or a remote libsql:// index (served
// over HTTP by @libsql/client, without this native module).
class LibsqlUnavailable {
  constructor() {
    throw new Error(
      'libSQL files are not available in the Lambda bundle: use INCIDENTS_KB_MODE=bedrock, none, or a libsql:// URL',
    );
  }
}
module.exports = LibsqlUnavailable;
module.exports.default = LibsqlUnavailable;
module.exports.SqliteError = class SqliteError extends Error {};
