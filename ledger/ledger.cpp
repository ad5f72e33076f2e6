// SPDX-License-Identifier: MIT
#include "ledger/ledger.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "airlock/crypto/sha2.hpp"
#include "airlock/format/encoding.hpp"
#include "airlock/format/envelope.hpp"
#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "cli/json.hpp"

namespace airlock::ledger {
namespace {

constexpr int schema_version = 3;
constexpr int busy_timeout_ms = 30000;
constexpr std::size_t max_license_size = 64 * 1024;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw cli::failure(cli::exit_write_failed, cli::about_file(path, "ledger: " + problem));
}

// SQLite's message, with the system's reason when a system call failed
// ("disk I/O error (File too large)").
std::string db_error(sqlite3* db) {
  std::string text = db ? sqlite3_errmsg(db) : "out of memory";
  if (const int code = db ? sqlite3_system_errno(db) : 0; code != 0)
    text += std::string(" (") + std::strerror(code) + ")";
  return text;
}

// One prepared statement; every error names the ledger file.
class statement {
 public:
  statement(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail(path_, db_error(db));
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }

  statement& bind(int i, const std::string& text) {
    check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  statement& bind(int i, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, i, value));
    return *this;
  }
  statement& bind_null(int i) {
    check(sqlite3_bind_null(stmt_, i));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(path_, db_error(db_));
  }
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  [[nodiscard]] std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  [[nodiscard]] bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(path_, db_error(db_));
  }
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// The columns of `licenses` in the order every SELECT below reads them.
constexpr const char* license_columns =
    "row_id, state, chain_row, license_id, key_id, product, licensee, issued, not_before, expires, updates_until, "
    "features, limits, meta, machine_policy, hashes_platform, hashes_disk, hashes_nic, hashes_os, hashes_board, "
    "hashes_evidence_only, file_path, file_sha256, supersedes, operation, note, recorded_at, issued_by, "
    "license_text, personal_digest, forgotten";

// A row of `licenses` exactly as stored: the hashes are computed from this.
struct license_row {
  std::int64_t row_id = 0, chain_row = 0;
  std::string state;
  // In the order of license_columns from license_id on.
  std::string license_id, key_id, product, licensee, issued, not_before, expires, updates_until, features, limits, meta,
      machine_policy, hashes_platform, hashes_disk, hashes_nic, hashes_os, hashes_board, hashes_evidence_only,
      file_path, file_sha256, supersedes, operation, note, recorded_at, issued_by, license_text, personal_digest;
  bool forgotten = false;
};

license_row read_row(const statement& s) {
  license_row r;
  r.row_id = s.integer(0);
  r.state = s.text(1);
  r.chain_row = s.is_null(2) ? 0 : s.integer(2);
  std::string* fields[] = {
      &r.license_id,      &r.key_id,        &r.product,        &r.licensee,  &r.issued,       &r.not_before,
      &r.expires,         &r.updates_until, &r.features,       &r.limits,    &r.meta,         &r.machine_policy,
      &r.hashes_platform, &r.hashes_disk,   &r.hashes_nic,     &r.hashes_os, &r.hashes_board, &r.hashes_evidence_only,
      &r.file_path,       &r.file_sha256,   &r.supersedes,     &r.operation, &r.note,         &r.recorded_at,
      &r.issued_by,       &r.license_text,  &r.personal_digest};
  int col = 3;
  for (std::string* f : fields) *f = s.text(col++);
  r.forgotten = s.integer(col) != 0;
  return r;
}

// The chain's canonical serialization (ledger/README.md): a header line,
// then one `name=LENGTH:VALUE\n` per field in a fixed order. The length
// prefix makes it unambiguous whatever the values hold.
class canonical {
 public:
  explicit canonical(const char* header) : text_(std::string(header) + "\n") {}
  canonical& add(const char* name, const std::string& value) {
    text_ += name;
    text_ += '=';
    text_ += std::to_string(value.size());
    text_ += ':';
    text_ += value;
    text_ += '\n';
    return *this;
  }
  [[nodiscard]] std::string digest() const { return sha256_hex(text_); }

 private:
  std::string text_;
};

std::string personal_digest_of(const std::string& licensee, const std::string& meta, const std::string& text) {
  return canonical("airlock-ledger-personal-v1")
      .add("licensee", licensee)
      .add("meta", meta)
      .add("license_text", text)
      .digest();
}

// A row of `chain`.
struct chain_row {
  std::int64_t row = 0;
  std::string kind, license_id, key_id, product, number, detail, recorded_at, row_hash, chain;
};

// An operator's action (console/): who and what, kept in `audit` beside its chain row.
struct audit_row {
  std::string operator_name, action;
};

std::string row_hash_of(const chain_row& c, const license_row* lic, const audit_row* audit = nullptr) {
  canonical out("airlock-ledger-row-v1");
  out.add("kind", c.kind)
      .add("license_id", c.license_id)
      .add("key_id", c.key_id)
      .add("product", c.product)
      .add("number", c.number)
      .add("detail", c.detail)
      .add("recorded_at", c.recorded_at);
  if (lic) {
    out.add("license.license_id", lic->license_id)
        .add("license.key_id", lic->key_id)
        .add("license.product", lic->product)
        .add("license.issued", lic->issued)
        .add("license.not_before", lic->not_before)
        .add("license.expires", lic->expires)
        .add("license.updates_until", lic->updates_until)
        .add("license.features", lic->features)
        .add("license.limits", lic->limits)
        .add("license.machine_policy", lic->machine_policy)
        .add("license.hashes_platform", lic->hashes_platform)
        .add("license.hashes_disk", lic->hashes_disk)
        .add("license.hashes_nic", lic->hashes_nic)
        .add("license.hashes_os", lic->hashes_os)
        .add("license.hashes_board", lic->hashes_board)
        .add("license.hashes_evidence_only", lic->hashes_evidence_only)
        .add("license.file_path", lic->file_path)
        .add("license.file_sha256", lic->file_sha256)
        .add("license.supersedes", lic->supersedes)
        .add("license.operation", lic->operation)
        .add("license.note", lic->note)
        .add("license.recorded_at", lic->recorded_at)
        .add("license.issued_by", lic->issued_by)
        .add("license.personal_digest", lic->personal_digest);
  }
  if (audit) out.add("audit.operator", audit->operator_name).add("audit.action", audit->action);
  return out.digest();
}

std::string chain_of(const std::string& previous, const std::string& row_hash) {
  auto bytes = format::hex_decode(previous).value_or(std::vector<std::uint8_t>(32, 0));
  const auto more = format::hex_decode(row_hash).value_or(std::vector<std::uint8_t>());
  bytes.insert(bytes.end(), more.begin(), more.end());
  return format::hex_encode(sha256_digest(bytes.data(), bytes.size()));
}

const std::string chain_start(64, '0');

std::string join(const std::vector<std::string>& items, char sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> items;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, sep))
    if (!item.empty()) items.push_back(item);
  return items;
}

std::string limits_text(const std::vector<format::limit_entry>& limits) {
  std::vector<std::string> items;
  for (const auto& l : limits) items.push_back(l.name + "=" + std::to_string(l.value));
  return join(items, ';');
}

std::string meta_json(const std::vector<format::meta_entry>& meta) {
  std::string out = "{";
  for (const auto& m : meta) {
    if (out.size() > 1) out += ",";
    out += cli::json_string(m.name) + ":" + cli::json_string(m.value);
  }
  return out + "}";
}

format::utc_time now() { return format::utc_time{static_cast<std::int64_t>(std::time(nullptr))}; }

std::string os_user() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid " + std::to_string(::geteuid());
}

// The start time of a live process (field 22 of /proc/PID/stat), which tells
// a live owner of pending rows from a later process that reused its pid.
// Empty for a process that is gone or a zombie (killed, not yet reaped).
std::string process_start(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i)
    if (i == 3 && (field == "Z" || field == "X")) return {};
  return field;
}

bool process_alive(long pid, const std::string& start) {
  if (pid <= 0 || start.empty() || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) return false;
  return process_start(pid) == start;
}

// The SHA-256 of a file, or empty when it cannot be read whole (missing, not
// a regular file, larger than any license).
std::string file_sha256(const std::string& path) {
  try {
    return sha256_hex(cli::read_file(path, max_license_size));
  } catch (const cli::failure&) {
    return {};
  }
}

// Creates the file with mode 0600 before SQLite opens it (SQLite would use
// 0644 and the umask); its -wal and -shm files take the same mode.
void create_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno != EEXIST) fail(path, std::string("cannot create: ") + std::strerror(errno));
}

std::string date_text(const std::optional<format::date>& d) { return d ? format::to_string(*d) : std::string(); }

}  // namespace

std::string sha256_hex(const std::string& text) {
  return format::hex_encode(sha256_digest(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

struct ledger::impl {
  std::string path;
  sqlite3* db = nullptr;

  // The statements of the hot paths (recording and confirming), prepared once.
  std::map<std::string, std::unique_ptr<statement>> cache;

  ~impl() {
    cache.clear();
    sqlite3_close_v2(db);
  }

  statement& prepared(const std::string& sql) {
    auto& slot = cache[sql];
    if (!slot) slot = std::make_unique<statement>(db, path, sql.c_str());
    slot->reset();
    return *slot;
  }

  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = db_error(db);
      sqlite3_free(message);
      fail(path, text);
    }
  }

  // Runs body inside BEGIN IMMEDIATE ... COMMIT: one writer at a time, and
  // a reader never sees half of it. Rolled back on any exception.
  void write(const std::function<void()>& body) {
    exec("BEGIN IMMEDIATE");
    try {
      body();
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  int user_version() {
    statement s(db, path, "PRAGMA user_version");
    return s.step() ? static_cast<int>(s.integer(0)) : 0;
  }

  // Schema migrations, one function per step: v0 (an empty file) -> v1. A v2
  // adds migrate_to_2() and one line in migrate().
  void migrate_to_1() {
    exec(
        "CREATE TABLE licenses ("
        " row_id INTEGER PRIMARY KEY,"
        " state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed')),"
        " chain_row INTEGER UNIQUE,"
        " license_id TEXT NOT NULL, key_id TEXT NOT NULL, product TEXT NOT NULL, licensee TEXT NOT NULL,"
        " issued TEXT NOT NULL, not_before TEXT NOT NULL, expires TEXT NOT NULL, updates_until TEXT NOT NULL,"
        " features TEXT NOT NULL, limits TEXT NOT NULL, meta TEXT NOT NULL, machine_policy TEXT NOT NULL,"
        " hashes_platform TEXT NOT NULL, hashes_disk TEXT NOT NULL, hashes_nic TEXT NOT NULL,"
        " hashes_os TEXT NOT NULL, hashes_board TEXT NOT NULL, hashes_evidence_only TEXT NOT NULL,"
        " file_path TEXT NOT NULL, file_sha256 TEXT NOT NULL, supersedes TEXT NOT NULL, operation TEXT NOT NULL,"
        " note TEXT NOT NULL, recorded_at TEXT NOT NULL, issued_by TEXT NOT NULL, license_text TEXT NOT NULL,"
        " personal_digest TEXT NOT NULL, forgotten INTEGER NOT NULL DEFAULT 0,"
        " owner_pid INTEGER, owner_start TEXT);"
        "CREATE INDEX licenses_by_id ON licenses (license_id);"
        "CREATE INDEX licenses_by_supersedes ON licenses (supersedes);"
        "CREATE TABLE chain ("
        " row INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL,"
        " license_id TEXT NOT NULL, key_id TEXT NOT NULL, product TEXT NOT NULL,"
        " number TEXT NOT NULL, detail TEXT NOT NULL, recorded_at TEXT NOT NULL,"
        " row_hash TEXT NOT NULL, chain TEXT NOT NULL);"
        "CREATE INDEX chain_by_license ON chain (license_id, kind);"
        "PRAGMA user_version = 1;");
  }

  // v1 -> v2: the console's operators, their sessions, and the audit of what they did
  // (ledger/README.md). The chain and the licenses are untouched, so a v1 chain still verifies.
  void migrate_to_2() {
    exec(
        "CREATE TABLE operators ("
        " name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at TEXT NOT NULL,"
        " failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE sessions ("
        " token_sha256 TEXT PRIMARY KEY, operator TEXT NOT NULL, csrf_token TEXT NOT NULL,"
        " created_at TEXT NOT NULL, expires_at INTEGER NOT NULL);"
        "CREATE TABLE audit (chain_row INTEGER PRIMARY KEY, operator TEXT NOT NULL, action TEXT NOT NULL);"
        "PRAGMA user_version = 2;");
  }

  // v2 -> v3: the console's API tokens and customer portal (ledger/README.md), and indexes for the
  // console's license list on a ledger of 100,000 licenses. Nothing chained changes.
  void migrate_to_3() {
    exec(
        "CREATE TABLE api_tokens ("
        " token_sha256 TEXT PRIMARY KEY, operator TEXT NOT NULL, label TEXT NOT NULL,"
        " created_at TEXT NOT NULL, last_used_at TEXT NOT NULL DEFAULT '', revoked_at TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE customers ("
        " name TEXT PRIMARY KEY, licensee TEXT NOT NULL, password_hash TEXT NOT NULL DEFAULT '',"
        " setup_sha256 TEXT NOT NULL DEFAULT '', setup_expires_at INTEGER NOT NULL DEFAULT 0,"
        " created_by TEXT NOT NULL, created_at TEXT NOT NULL,"
        " failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE customer_sessions ("
        " token_sha256 TEXT PRIMARY KEY, customer TEXT NOT NULL, csrf_token TEXT NOT NULL,"
        " created_at TEXT NOT NULL, expires_at INTEGER NOT NULL);"
        "CREATE TABLE portal_requests ("
        " id INTEGER PRIMARY KEY, customer TEXT NOT NULL, licensee TEXT NOT NULL,"
        " kind TEXT NOT NULL CHECK (kind IN ('activation', 'rehost')), file_name TEXT NOT NULL,"
        " request_text TEXT NOT NULL, received_at TEXT NOT NULL,"
        " state TEXT NOT NULL CHECK (state IN ('waiting', 'issued', 'refused')),"
        " license_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');"
        // Every column the license list filters, sorts or counts on, so that a search reads this
        // index and never the rows, whose license text makes them 2.5 KB each.
        "CREATE INDEX licenses_listed ON licenses (state, chain_row, license_id, product, licensee, issued,"
        " not_before, expires, updates_until, features, supersedes, hashes_platform, hashes_disk, hashes_nic,"
        " hashes_os, hashes_board);"
        "CREATE INDEX chain_by_kind ON chain (kind, license_id);"
        "PRAGMA user_version = 3;");
  }

  void migrate() {
    if (user_version() == schema_version) return;
    write([&] {
      const int version = user_version();  // again, under the write lock: another process may have migrated
      if (version > schema_version)
        fail(path, "schema version " + std::to_string(version) + " is newer than this airlock's (" +
                       std::to_string(schema_version) + "): use a newer airlock");
      if (version < 1) migrate_to_1();
      if (version < 2) migrate_to_2();
      if (version < 3) migrate_to_3();
    });
  }

  // Appends one row to the chain; call inside write().
  std::int64_t append(chain_row c, const license_row* lic, const audit_row* audit = nullptr) {
    std::string previous = chain_start;
    std::int64_t last = 0;
    {
      statement& s = prepared("SELECT row, chain FROM chain ORDER BY row DESC LIMIT 1");
      if (s.step()) last = s.integer(0), previous = s.text(1);
      s.reset();
    }
    c.row = last + 1;
    if (c.recorded_at.empty()) c.recorded_at = format::to_string(now());
    c.row_hash = row_hash_of(c, lic, audit);
    c.chain = chain_of(previous, c.row_hash);
    statement& s = prepared(
        "INSERT INTO chain (row, kind, license_id, key_id, product, number, detail, recorded_at, row_hash, "
        "chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    s.bind(1, c.row).bind(2, c.kind).bind(3, c.license_id).bind(4, c.key_id).bind(5, c.product).bind(6, c.number);
    s.bind(7, c.detail).bind(8, c.recorded_at).bind(9, c.row_hash).bind(10, c.chain);
    s.run();
    if (audit) {
      statement& a = prepared("INSERT INTO audit (chain_row, operator, action) VALUES (?1, ?2, ?3)");
      a.bind(1, c.row).bind(2, audit->operator_name).bind(3, audit->action).run();
    }
    return c.row;
  }

  // Chains one operator action; call inside write().
  void append_audit(const std::string& operator_name, const std::string& action, const std::string& license_id,
                    const std::string& detail) {
    chain_row c;
    c.kind = "audit";
    c.license_id = license_id;
    c.detail = detail;
    const audit_row a{operator_name, action};
    append(c, nullptr, &a);
  }

  std::optional<license_row> load(std::int64_t row_id) {
    statement& s = prepared(std::string("SELECT ") + license_columns + " FROM licenses WHERE row_id = ?1");
    s.bind(1, row_id);
    std::optional<license_row> row;
    if (s.step()) row = read_row(s);
    s.reset();
    return row;
  }

  // Chains a pending row and marks it confirmed; call inside write().
  void confirm_row(std::int64_t row_id) {
    const auto r = load(row_id);
    if (!r || r->state != "pending")
      throw cli::failure(cli::exit_internal, cli::about_file(path, "ledger: pending row " + std::to_string(row_id) +
                                                                       " is gone (removed by another process?)"));
    chain_row c;
    c.kind = "license";
    c.license_id = r->license_id;
    c.key_id = r->key_id;
    c.product = r->product;
    const std::int64_t row = append(c, &*r);
    statement& s = prepared(
        "UPDATE licenses SET state = 'confirmed', chain_row = ?1, owner_pid = NULL, owner_start = NULL "
        "WHERE row_id = ?2");
    s.bind(1, row).bind(2, row_id).run();
    if (r->operation == "rehost" && !r->supersedes.empty()) revoke_replaced(*r);
  }

  // A re-host moves the license: the old one is revoked in the same transaction that confirms its
  // successor, so no crash can leave both usable.
  void revoke_replaced(const license_row& successor) {
    statement s(db, path, "SELECT 1 FROM chain WHERE kind = 'revoke' AND license_id = ?1");
    s.bind(1, successor.supersedes);
    if (s.step()) return;
    chain_row c;
    c.kind = "revoke";
    c.license_id = successor.supersedes;
    c.key_id = successor.key_id;
    c.product = successor.product;
    c.detail = "re-hosted to " + successor.license_id;
    append(c, nullptr);
  }

  void drop_row(std::int64_t row_id) {
    statement s(db, path, "DELETE FROM licenses WHERE row_id = ?1 AND state = 'pending'");
    s.bind(1, row_id).run();
  }

  std::int64_t insert_pending(const format::license& lic, const std::string& text, const record_context& ctx,
                              const std::string& recorded_at, const std::string& user, const std::string& start) {
    static const char* sql =
        "INSERT INTO licenses (state, license_id, key_id, product, licensee, issued, not_before, expires, "
        "updates_until, features, limits, meta, machine_policy, hashes_platform, hashes_disk, hashes_nic, "
        "hashes_os, hashes_board, hashes_evidence_only, file_path, file_sha256, supersedes, operation, note, "
        "recorded_at, issued_by, license_text, personal_digest, owner_pid, owner_start) VALUES ('pending', ?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
        "?26, ?27, ?28, ?29)";
    statement& s = prepared(sql);
    const auto& h = lic.machine.hashes;
    const std::string meta = meta_json(lic.meta);
    std::error_code error;
    const std::string file = ctx.file_path.empty() ? "" : std::filesystem::absolute(ctx.file_path, error).string();
    const std::string values[] = {lic.id,
                                  lic.key_id,
                                  lic.product,
                                  lic.licensee,
                                  format::to_string(lic.issued),
                                  format::to_string(lic.not_before),
                                  date_text(lic.expires),
                                  date_text(lic.updates_until),
                                  join(lic.features, ';'),
                                  limits_text(lic.limits),
                                  meta,
                                  lic.machine.unbound ? std::string() : lic.machine.policy,
                                  join(h.platform, ' '),
                                  join(h.disk, ' '),
                                  join(h.nic, ' '),
                                  join(h.os, ' '),
                                  join(h.board, ' '),
                                  join(h.evidence_only, ' '),
                                  file,
                                  ctx.file_sha256.empty() ? sha256_hex(text) : ctx.file_sha256,
                                  ctx.supersedes,
                                  ctx.operation.empty() ? "issue" : ctx.operation,
                                  ctx.note,
                                  recorded_at,
                                  user,
                                  text,
                                  personal_digest_of(lic.licensee, meta, text)};
    int i = 1;
    for (const auto& v : values) s.bind(i++, v);
    s.bind(i, static_cast<std::int64_t>(::getpid()));
    s.bind(i + 1, start);
    s.run();
    return sqlite3_last_insert_rowid(db);
  }

  // Erases the personal fields of one confirmed row and chains the erasure.
  void forget_row(const license_row& r, const std::string& why) {
    statement s(db, path,
                "UPDATE licenses SET licensee = ?1, meta = '', license_text = '', forgotten = 1 WHERE row_id = ?2");
    s.bind(1, std::string(forgotten_tombstone)).bind(2, r.row_id).run();
    chain_row c;
    c.kind = "forget";
    c.license_id = r.license_id;
    c.key_id = r.key_id;
    c.product = r.product;
    c.detail = why;
    append(c, nullptr);
  }

  std::vector<license_row> select_rows(const std::string& where, const std::vector<std::string>& params) const {
    statement s(db, path, (std::string("SELECT ") + license_columns + " FROM licenses WHERE " + where).c_str());
    for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
    std::vector<license_row> rows;
    while (s.step()) rows.push_back(read_row(s));
    return rows;
  }

  std::optional<int> retention() const {
    statement s(db, path, "SELECT number FROM chain WHERE kind = 'retention' ORDER BY row DESC LIMIT 1");
    if (!s.step() || s.text(0).empty()) return std::nullopt;
    return static_cast<int>(std::stoll(s.text(0)));
  }

  entry to_entry(const license_row& r);
};

namespace {

std::vector<std::string> hashes(const std::string& text) { return split(text, ' '); }

std::vector<format::limit_entry> parse_limits(const std::string& text) {
  std::vector<format::limit_entry> out;
  for (const auto& item : split(text, ';')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) continue;
    out.push_back({item.substr(0, eq), std::strtoll(item.c_str() + eq + 1, nullptr, 10)});
  }
  return out;
}

}  // namespace

entry ledger::impl::to_entry(const license_row& r) {
  entry e;
  e.row = r.chain_row;
  e.license_id = r.license_id;
  e.key_id = r.key_id;
  e.product = r.product;
  e.licensee = r.licensee;
  e.issued = format::parse_utc_time(r.issued).value_or(format::utc_time{});
  e.not_before = format::parse_date(r.not_before).value_or(format::date{});
  e.expires = format::parse_date(r.expires);
  e.updates_until = format::parse_date(r.updates_until);
  e.features = split(r.features, ';');
  e.limits = parse_limits(r.limits);
  // The meta column is JSON for sqlite3 users; the values come from the license text itself.
  if (!r.license_text.empty())
    if (const auto parsed = format::parse_license_file(r.license_text); parsed.value)
      e.meta = parsed.value->content.meta;
  e.machine_policy = r.machine_policy;
  e.machine.platform = hashes(r.hashes_platform);
  e.machine.disk = hashes(r.hashes_disk);
  e.machine.nic = hashes(r.hashes_nic);
  e.machine.os = hashes(r.hashes_os);
  e.machine.board = hashes(r.hashes_board);
  e.machine.evidence_only = hashes(r.hashes_evidence_only);
  e.file_path = r.file_path;
  e.file_sha256 = r.file_sha256;
  e.supersedes = r.supersedes;
  e.operation = r.operation;
  e.note = r.note;
  e.issued_by = r.issued_by;
  e.recorded_at = format::parse_utc_time(r.recorded_at).value_or(format::utc_time{});
  e.license_text = r.license_text;
  e.forgotten = r.forgotten;
  // Prepared once for all entries: a listing of the whole ledger asks these two for every row.
  statement& s = prepared("SELECT recorded_at, detail FROM chain WHERE kind = 'revoke' AND license_id = ?1 LIMIT 1");
  s.bind(1, r.license_id);
  if (s.step()) {
    e.revoked = true;
    e.revoked_at = format::parse_utc_time(s.text(0)).value_or(format::utc_time{});
    e.revoke_reason = s.text(1);
  }
  s.reset();  // no read left open on the connection between entries
  statement& next = prepared(
      "SELECT license_id FROM licenses WHERE state = 'confirmed' AND supersedes = ?1 ORDER BY chain_row LIMIT 1");
  next.bind(1, r.license_id);
  if (next.step()) e.superseded_by = next.text(0);
  next.reset();
  return e;
}

ledger::ledger(std::unique_ptr<impl> state) : impl_(std::move(state)) {}
ledger::ledger(ledger&&) noexcept = default;
ledger& ledger::operator=(ledger&&) noexcept = default;
ledger::~ledger() = default;

const std::string& ledger::path() const { return impl_->path; }

ledger ledger::open_existing(const std::string& path, check_result* checked) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw cli::failure(cli::exit_read_failed, cli::about_file(path, std::string("ledger: ") + std::strerror(errno)));
  return open(path, checked);
}

namespace {

// A new ledger is in rollback mode until its first opener switches it to WAL. Two openers doing that
// at once both hold a shared lock and want an exclusive one: SQLite answers one of them SQLITE_BUSY
// at once, without the busy handler, to break the deadlock. So the switch is retried (for as long
// as the busy timeout); once the file is in WAL mode the pragma needs no lock.
void switch_to_wal(sqlite3* db, const std::string& path) {
  constexpr int pause_ms = 10;
  for (int waited = 0;; waited += pause_ms) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr) != SQLITE_OK) fail(path, db_error(db));
    const int rc = sqlite3_step(stmt);
    const unsigned char* text = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : nullptr;
    const std::string mode = text ? reinterpret_cast<const char*>(text) : "";
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW && mode == "wal") return;
    if ((rc & 0xff) != SQLITE_BUSY || waited >= busy_timeout_ms)
      fail(path, rc == SQLITE_ROW ? "cannot switch to WAL mode" : db_error(db));
    ::usleep(pause_ms * 1000);
  }
}

}  // namespace

ledger ledger::open(const std::string& path, check_result* checked) {
  if (path.empty()) fail(path, "no ledger file given");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) fail(path, "is not a regular file");
  create_private(path);
  auto state = std::make_unique<impl>();
  state->path = path;
  if (sqlite3_open_v2(path.c_str(), &state->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr) != SQLITE_OK)
    fail(path, db_error(state->db));
  sqlite3_extended_result_codes(state->db, 1);
  sqlite3_busy_timeout(state->db, busy_timeout_ms);
  // A file that is not SQLite fails here, on its first read.
  state->exec("PRAGMA secure_delete = ON");  // erased personal data must not linger in free pages
  switch_to_wal(state->db, path);
  state->exec("PRAGMA synchronous = FULL");
  // A long-running reader (the console) keeps the list's index in memory: 32 MiB of cache at most.
  state->exec("PRAGMA cache_size = -32768");
  state->migrate();
  ledger opened(std::move(state));
  const check_result result = opened.check();
  if (checked) *checked = result;
  return opened;
}

std::int64_t ledger::record_pending(const format::license& lic, const std::string& license_text,
                                    const record_context& ctx) {
  return record_pending({&lic}, {&license_text}, {ctx}).front();
}

std::vector<std::int64_t> ledger::record_pending(const std::vector<const format::license*>& lics,
                                                 const std::vector<const std::string*>& texts,
                                                 const std::vector<record_context>& ctxs) {
  std::vector<std::int64_t> ids;
  if (lics.empty()) return ids;
  const std::string at = format::to_string(now()), user = os_user(), start = process_start(::getpid());
  impl_->write([&] {
    for (std::size_t i = 0; i < lics.size(); ++i)
      ids.push_back(impl_->insert_pending(*lics[i], *texts[i], ctxs[i], at, user, start));
  });
  return ids;
}

void ledger::confirm(std::int64_t pending) { confirm(std::vector<std::int64_t>{pending}); }

void ledger::confirm(const std::vector<std::int64_t>& pending) {
  if (pending.empty()) return;
  impl_->write([&] {
    for (const auto id : pending) impl_->confirm_row(id);
  });
}

void ledger::drop_pending(const std::vector<std::int64_t>& pending) noexcept {
  if (pending.empty()) return;
  try {
    impl_->write([&] {
      for (const auto id : pending) impl_->drop_row(id);
    });
  } catch (...) {
    // Left pending: the next check() drops them, as after a crash.
  }
}

check_result ledger::check() {
  check_result result;
  impl_->write([&] {
    for (const auto& r : impl_->select_rows("state = 'pending'", {})) {
      std::int64_t pid = 0;
      std::string start;
      {
        statement s(impl_->db, impl_->path, "SELECT owner_pid, owner_start FROM licenses WHERE row_id = ?1");
        s.bind(1, r.row_id);
        if (s.step()) pid = s.integer(0), start = s.text(1);
      }
      if (pid != ::getpid() && process_alive(static_cast<long>(pid), start)) continue;  // still at work
      if (pid == ::getpid() && start == process_start(::getpid())) continue;            // our own, in progress
      if (!r.file_path.empty() && file_sha256(r.file_path) == r.file_sha256) {
        impl_->confirm_row(r.row_id);
        ++result.confirmed;
      } else {
        impl_->drop_row(r.row_id);
        ++result.dropped;
      }
    }
    if (const auto days = impl_->retention()) {
      const auto cutoff =
          format::utc_date(format::utc_time{now().seconds - std::int64_t{*days} * format::seconds_per_day});
      for (const auto& r :
           impl_->select_rows("state = 'confirmed' AND forgotten = 0 AND expires != '' AND expires < ?1",
                              {format::to_string(cutoff)})) {
        impl_->forget_row(r, "retention");
        ++result.forgotten;
      }
    }
  });
  if (result.forgotten) impl_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return result;
}

verify_result ledger::verify() const {
  verify_result result;
  std::map<std::int64_t, license_row> by_chain_row;
  for (auto& r : impl_->select_rows("state = 'confirmed'", {})) {
    if (r.chain_row == 0) {
      result.problem = "license " + r.license_id + " is confirmed but has no row in the chain (added by hand?)";
      return result;
    }
    by_chain_row.emplace(r.chain_row, std::move(r));
  }
  statement s(impl_->db, impl_->path,
              "SELECT row, kind, license_id, key_id, product, number, detail, recorded_at, row_hash, chain FROM chain "
              "ORDER BY row");
  std::string previous = chain_start;
  std::int64_t expected = 1;
  std::set<std::int64_t> seen;
  while (s.step()) {
    chain_row c;
    c.row = s.integer(0);
    std::string* fields[] = {&c.kind,   &c.license_id,  &c.key_id,   &c.product, &c.number,
                             &c.detail, &c.recorded_at, &c.row_hash, &c.chain};
    int col = 1;
    for (std::string* f : fields) *f = s.text(col++);
    const std::string name =
        "row " + std::to_string(c.row) + " (" + (c.license_id.empty() ? c.kind : "license " + c.license_id) + ")";
    if (c.row != expected) {
      result.problem = "row " + std::to_string(expected) + " is missing: deleted (the next row is " + name + ")";
      return result;
    }
    const license_row* lic = nullptr;
    if (c.kind == "license") {
      const auto it = by_chain_row.find(c.row);
      if (it == by_chain_row.end()) {
        result.problem = name + ": its license row was deleted";
        return result;
      }
      lic = &it->second;
      if (!lic->forgotten && personal_digest_of(lic->licensee, lic->meta, lic->license_text) != lic->personal_digest) {
        result.problem = name + ": edited (licensee, meta or license text)";
        return result;
      }
      seen.insert(c.row);
    }
    std::optional<audit_row> audit;
    if (c.kind == "audit") {
      statement a(impl_->db, impl_->path, "SELECT operator, action FROM audit WHERE chain_row = ?1");
      a.bind(1, c.row);
      if (!a.step()) {
        result.problem = name + ": its audit row was deleted";
        return result;
      }
      audit = audit_row{a.text(0), a.text(1)};
    }
    if (row_hash_of(c, lic, audit ? &*audit : nullptr) != c.row_hash) {
      result.problem = name + ": edited";
      return result;
    }
    if (chain_of(previous, c.row_hash) != c.chain) {
      result.problem = name + ": out of order, or a row before it was changed or removed";
      return result;
    }
    previous = c.chain;
    ++expected;
  }
  for (const auto& [row, r] : by_chain_row)
    if (!seen.count(row)) {
      result.problem =
          "license " + r.license_id + " names chain row " + std::to_string(row) + ", which is not a license row";
      return result;
    }
  result.ok = true;
  result.rows = expected - 1;
  result.head = previous;
  return result;
}

std::optional<entry> ledger::find(const std::string& license_id) const {
  const auto rows =
      impl_->select_rows("state = 'confirmed' AND license_id = ?1 ORDER BY chain_row DESC LIMIT 1", {license_id});
  if (rows.empty()) return std::nullopt;
  return impl_->to_entry(rows.front());
}

std::vector<entry> ledger::entries() const {
  std::vector<entry> out;
  for (const auto& r : impl_->select_rows("state = 'confirmed' ORDER BY chain_row", {}))
    out.push_back(impl_->to_entry(r));
  return out;
}

std::vector<entry> ledger::successors_of(const std::string& license_id) const {
  std::vector<entry> out;
  for (const auto& r : impl_->select_rows("state = 'confirmed' AND supersedes = ?1 ORDER BY chain_row", {license_id}))
    out.push_back(impl_->to_entry(r));
  return out;
}

int ledger::rehosts_in_chain_since(const std::string& license_id, const format::utc_time& since) const {
  int count = 0;
  std::set<std::string> visited;  // a hand-made cycle must not loop forever
  for (auto current = find(license_id); current && visited.insert(current->license_id).second;) {
    if (current->operation == "rehost" && current->issued >= since) ++count;
    if (current->supersedes.empty()) break;
    current = find(current->supersedes);
  }
  return count;
}

bool ledger::revoke(const std::string& license_id, const std::string& reason, const std::string& by_operator) {
  bool fresh = false;
  impl_->write([&] {
    const auto rows = impl_->select_rows("state = 'confirmed' AND license_id = ?1 LIMIT 1", {license_id});
    if (rows.empty())
      throw cli::failure(cli::exit_bad_input,
                         cli::about_file(impl_->path, "license '" + license_id + "' is not in the ledger"));
    statement s(impl_->db, impl_->path, "SELECT 1 FROM chain WHERE kind = 'revoke' AND license_id = ?1");
    s.bind(1, license_id);
    if (s.step()) return;
    chain_row c;
    c.kind = "revoke";
    c.license_id = license_id;
    c.key_id = rows.front().key_id;
    c.product = rows.front().product;
    c.detail = reason;
    impl_->append(c, nullptr);
    if (!by_operator.empty()) impl_->append_audit(by_operator, "revoke", license_id, reason);
    fresh = true;
  });
  return fresh;
}

namespace {

std::int64_t unix_now() { return now().seconds; }

}  // namespace

namespace {

// SQL conditions on a `licenses` row aliased `l`. A license is revoked when the chain has a
// revoke row for it, superseded when a confirmed license names it in `supersedes`. Both lists are
// built once a query (they do not depend on `l`), then probed for each row.
constexpr const char* revoked_sql = "l.license_id IN (SELECT c.license_id FROM chain c WHERE c.kind = 'revoke')";
constexpr const char* superseded_sql =
    "l.license_id IN (SELECT s.supersedes FROM licenses s WHERE s.state = 'confirmed' AND s.supersedes != '')";

// license_states in SQL, in state_of's order of precedence; ?D is the day as YYYY-MM-DD.
std::string state_sql(const std::string& state, const std::string& day) {
  const std::string revoked = revoked_sql, superseded = superseded_sql;
  const std::string expired = "(l.expires != '' AND l.expires < '" + day + "')";
  const std::string early = "(l.not_before > '" + day + "')";
  if (state == "revoked") return revoked;
  if (state == "superseded") return "NOT " + revoked + " AND " + superseded;
  if (state == "expired") return "NOT " + revoked + " AND NOT " + superseded + " AND " + expired;
  if (state == "not yet valid")
    return "NOT " + revoked + " AND NOT " + superseded + " AND NOT " + expired + " AND " + early;
  if (state == "active")
    return "NOT " + revoked + " AND NOT " + superseded + " AND NOT " + expired + " AND NOT " + early;
  throw cli::failure(cli::exit_usage, "'" + state +
                                          "' is not a license state (active, not yet valid, expired, "
                                          "superseded, revoked)");
}

// The WHERE clause of a filter and its parameters (?1, ?2, ... in order).
struct where_clause {
  std::string sql = "l.state = 'confirmed'";
  std::vector<std::string> params;
  bool none = false;  // the filter can match nothing (a separator inside a feature or hash)

  void add(const std::string& condition, const std::string& param) {
    params.push_back(param);
    const std::string n = "?" + std::to_string(params.size());
    std::string c = condition;
    for (std::size_t at = c.find("?P"); at != std::string::npos; at = c.find("?P", at)) c.replace(at, 2, n);
    sql += " AND " + c;
  }
};

where_clause where_of(const search_filter& f, const format::date& day) {
  where_clause w;
  // lower() folds ASCII only, as the filter documents.
  if (!f.licensee.empty()) w.add("instr(lower(l.licensee), lower(?P)) > 0", f.licensee);
  if (!f.product.empty()) w.add("l.product = ?P", f.product);
  if (!f.feature.empty()) {
    w.none = w.none || f.feature.find(';') != std::string::npos;
    w.add("instr(';' || l.features || ';', ';' || ?P || ';') > 0", f.feature);
  }
  if (!f.machine.empty()) {
    w.none = w.none || f.machine.find(' ') != std::string::npos;
    w.add(
        "instr(' ' || l.hashes_platform || ' ' || l.hashes_disk || ' ' || l.hashes_nic || ' ' || l.hashes_os || "
        "' ' || l.hashes_board || ' ', ' ' || ?P || ' ') > 0",
        f.machine);
  }
  if (f.expiring_before) w.add("l.expires != '' AND l.expires < ?P", format::to_string(*f.expiring_before));
  if (f.updates_ending_before)
    w.add("l.updates_until != '' AND l.updates_until < ?P", format::to_string(*f.updates_ending_before));
  if (f.issued_after) w.add("substr(l.issued, 1, 10) > ?P", format::to_string(*f.issued_after));
  if (f.issued_before) w.add("substr(l.issued, 1, 10) < ?P", format::to_string(*f.issued_before));
  if (!f.state.empty()) w.sql += " AND " + state_sql(f.state, format::to_string(day));
  return w;
}

std::string order_sql(const search_order& o) {
  const char* dir = o.descending ? " DESC" : " ASC";
  switch (o.by) {
    case search_order::key::issued: return std::string("l.issued") + dir + ", l.chain_row DESC";
    case search_order::key::expires:  // perpetual licenses after every date, whichever the direction
      return std::string("l.expires = '' ASC, l.expires") + dir + ", l.chain_row DESC";
    case search_order::key::licensee: return std::string("l.licensee COLLATE NOCASE") + dir + ", l.chain_row DESC";
    case search_order::key::product: return std::string("l.product") + dir + ", l.chain_row DESC";
    case search_order::key::recorded: break;
  }
  return std::string("l.chain_row") + dir;
}

}  // namespace

search_page ledger::search(const search_filter& filter, const search_order& order, std::size_t offset,
                           std::size_t limit) const {
  const format::date day = filter.as_of.value_or(format::utc_date(now()));
  const where_clause w = where_of(filter, day);
  search_page page;
  if (w.none) return page;
  statement count(impl_->db, impl_->path, ("SELECT count(*) FROM licenses l WHERE " + w.sql).c_str());
  for (std::size_t i = 0; i < w.params.size(); ++i) count.bind(static_cast<int>(i + 1), w.params[i]);
  if (count.step()) page.total = count.integer(0);
  std::string columns;
  for (std::string c : split(license_columns, ','))
    columns += (columns.empty() ? "l." : ", l.") + c.erase(0, c.find_first_not_of(' '));
  std::string sql = "SELECT " + columns + " FROM licenses l WHERE " + w.sql + " ORDER BY " + order_sql(order);
  if (limit > 0) sql += " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
  statement rows(impl_->db, impl_->path, sql.c_str());
  for (std::size_t i = 0; i < w.params.size(); ++i) rows.bind(static_cast<int>(i + 1), w.params[i]);
  std::vector<license_row> found;
  while (rows.step()) found.push_back(read_row(rows));
  for (const auto& r : found) page.entries.push_back(impl_->to_entry(r));
  return page;
}

std::vector<std::pair<std::string, std::array<std::int64_t, 5>>> ledger::state_counts(const format::date& day) const {
  std::string cases = "CASE";
  for (int i = 4; i >= 0; --i)  // the precedence of state_of: revoked first
    cases += " WHEN " + state_sql(license_states[i], format::to_string(day)) + " THEN " + std::to_string(i);
  statement s(impl_->db, impl_->path,
              ("SELECT l.product, " + cases +
               " END AS st, count(*) FROM licenses l WHERE l.state = 'confirmed' GROUP BY l.product, st "
               "ORDER BY l.product")
                  .c_str());
  std::vector<std::pair<std::string, std::array<std::int64_t, 5>>> out;
  while (s.step()) {
    if (out.empty() || out.back().first != s.text(0)) out.push_back({s.text(0), {0, 0, 0, 0, 0}});
    out.back().second[static_cast<std::size_t>(s.integer(1))] = s.integer(2);
  }
  return out;
}

const char* state_of(const entry& e, const format::date& day) {
  if (e.revoked) return "revoked";
  if (!e.superseded_by.empty()) return "superseded";
  if (e.expires && *e.expires < day) return "expired";
  if (day < e.not_before) return "not yet valid";
  return "active";
}

void ledger::add_operator(const std::string& name, const std::string& password_hash) {
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT 1 FROM operators WHERE name = ?1");
    s.bind(1, name);
    if (s.step())
      throw cli::failure(cli::exit_bad_input, cli::about_file(impl_->path, "operator '" + name + "' exists already"));
    statement add(impl_->db, impl_->path,
                  "INSERT INTO operators (name, password_hash, created_at) VALUES (?1, ?2, ?3)");
    add.bind(1, name).bind(2, password_hash).bind(3, format::to_string(now())).run();
    impl_->append_audit(name, "add-operator", "", "by " + os_user());
  });
}

std::optional<operator_account> ledger::find_operator(const std::string& name) const {
  statement s(impl_->db, impl_->path,
              "SELECT name, password_hash, created_at, failed_logins, locked_until FROM operators WHERE name = ?1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  operator_account a;
  a.name = s.text(0);
  a.password_hash = s.text(1);
  a.created_at = format::parse_utc_time(s.text(2)).value_or(format::utc_time{});
  a.failed_logins = static_cast<int>(s.integer(3));
  a.locked_until = s.integer(4);
  return a;
}

bool ledger::has_operators() const {
  statement s(impl_->db, impl_->path, "SELECT 1 FROM operators LIMIT 1");
  return s.step();
}

bool ledger::record_login_failure(const std::string& name, int max_failures, std::int64_t lock_seconds) {
  bool locked = false;
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT failed_logins FROM operators WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) return;
    const std::int64_t failures = s.integer(0) + 1;
    if (failures >= max_failures) {
      statement lock(impl_->db, impl_->path,
                     "UPDATE operators SET failed_logins = 0, locked_until = ?1 WHERE name = ?2");
      lock.bind(1, unix_now() + lock_seconds).bind(2, name).run();
      impl_->append_audit(name, "locked", "", std::to_string(failures) + " wrong passwords");
      locked = true;
    } else {
      statement count(impl_->db, impl_->path, "UPDATE operators SET failed_logins = ?1 WHERE name = ?2");
      count.bind(1, failures).bind(2, name).run();
      impl_->append_audit(name, "login-failed", "", "wrong password");
    }
  });
  return locked;
}

void ledger::record_login(const std::string& name, const std::string& token_sha256, const session& session_state) {
  impl_->write([&] {
    statement reset(impl_->db, impl_->path, "UPDATE operators SET failed_logins = 0 WHERE name = ?1");
    reset.bind(1, name).run();
    statement prune(impl_->db, impl_->path, "DELETE FROM sessions WHERE expires_at <= ?1");
    prune.bind(1, unix_now()).run();
    statement add(impl_->db, impl_->path,
                  "INSERT INTO sessions (token_sha256, operator, csrf_token, created_at, expires_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)");
    add.bind(1, token_sha256).bind(2, name).bind(3, session_state.csrf_token).bind(4, format::to_string(now()));
    add.bind(5, session_state.expires_at).run();
    impl_->append_audit(name, "login", "", "");
  });
}

std::optional<session> ledger::find_session(const std::string& token_sha256) const {
  statement s(impl_->db, impl_->path,
              "SELECT operator, csrf_token, expires_at FROM sessions WHERE token_sha256 = ?1 AND expires_at > ?2");
  s.bind(1, token_sha256).bind(2, unix_now());
  if (!s.step()) return std::nullopt;
  return session{s.text(0), s.text(1), s.integer(2)};
}

void ledger::record_logout(const std::string& token_sha256) {
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT operator FROM sessions WHERE token_sha256 = ?1");
    s.bind(1, token_sha256);
    if (!s.step()) return;
    const std::string name = s.text(0);
    statement drop(impl_->db, impl_->path, "DELETE FROM sessions WHERE token_sha256 = ?1");
    drop.bind(1, token_sha256).run();
    impl_->append_audit(name, "logout", "", "");
  });
}

void ledger::record_audit(const std::string& operator_name, const std::string& action, const std::string& license_id,
                          const std::string& detail) {
  impl_->write([&] { impl_->append_audit(operator_name, action, license_id, detail); });
}

std::vector<audit_event> ledger::audit_log(std::size_t limit) const {
  statement s(impl_->db, impl_->path,
              "SELECT c.row, a.operator, a.action, c.license_id, c.detail, c.recorded_at FROM chain c "
              "JOIN audit a ON a.chain_row = c.row WHERE c.kind = 'audit' ORDER BY c.row DESC LIMIT ?1");
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<audit_event> out;
  while (s.step())
    out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4),
                   format::parse_utc_time(s.text(5)).value_or(format::utc_time{})});
  return out;
}

std::vector<std::string> ledger::revoked_ids(const std::string& product) const {
  statement s(impl_->db, impl_->path,
              "SELECT DISTINCT license_id FROM chain WHERE kind = 'revoke' AND product = ?1 ORDER BY license_id");
  s.bind(1, product);
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.text(0));
  return ids;
}

std::int64_t ledger::last_revocation_sequence(const std::string& product) const {
  statement s(impl_->db, impl_->path,
              "SELECT MAX(CAST(number AS INTEGER)) FROM chain WHERE kind = 'revocation_list' AND product = ?1");
  s.bind(1, product);
  return s.step() && !s.is_null(0) ? s.integer(0) : 0;
}

void ledger::record_revocation_list(const std::string& key_id, const std::string& product, std::int64_t sequence,
                                    const std::string& file_sha256_hex) {
  impl_->write([&] {
    chain_row c;
    c.kind = "revocation_list";
    c.key_id = key_id;
    c.product = product;
    c.number = std::to_string(sequence);
    c.detail = file_sha256_hex;
    impl_->append(c, nullptr);
  });
}

int ledger::forget_licensee(const std::string& licensee) {
  int count = 0;
  impl_->write([&] {
    for (const auto& r : impl_->select_rows("state = 'confirmed' AND forgotten = 0 AND licensee = ?1", {licensee})) {
      impl_->forget_row(r, "request");
      ++count;
    }
    // A pending row of a crashed issue holds the name too; its license was never confirmed.
    statement s(impl_->db, impl_->path,
                "UPDATE licenses SET licensee = ?1, meta = '', license_text = '', forgotten = 1 "
                "WHERE state = 'pending' AND licensee = ?2");
    s.bind(1, std::string(forgotten_tombstone)).bind(2, licensee).run();
  });
  // Move the erased pages out of the write-ahead log into the (secure_delete) main file.
  impl_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return count;
}

std::optional<int> ledger::retention_days() const { return impl_->retention(); }

void ledger::set_retention_days(std::optional<int> days) {
  impl_->write([&] {
    chain_row c;
    c.kind = "retention";
    c.number = days ? std::to_string(*days) : std::string();
    impl_->append(c, nullptr);
  });
  (void)check();
}

void add_ledger_options(po::options_description& options, bool allow_opt_out) {
  options.add_options()("ledger", po::value<std::string>(),
                        "the vendor ledger (default: $AIRLOCK_LEDGER, else airlock-ledger.sqlite beside --key)");
  if (allow_opt_out) options.add_options()("no-ledger", "record nothing in a ledger");
}

std::optional<std::string> ledger_path(const po::variables_map& vm, const std::string& key_path) {
  const bool opted_out = vm.count("no-ledger") > 0;
  if (opted_out && vm.count("ledger"))
    throw cli::failure(cli::exit_usage, "give --ledger FILE or --no-ledger, not both");
  if (opted_out) return std::nullopt;
  if (vm.count("ledger")) return vm["ledger"].as<std::string>();
  if (const char* env = std::getenv("AIRLOCK_LEDGER"); env && *env) return std::string(env);
  if (key_path.empty())
    throw cli::failure(cli::exit_usage, "no ledger: give --ledger FILE or set AIRLOCK_LEDGER (or --key KEY)");
  const auto slash = key_path.find_last_of('/');
  const std::string folder = slash == std::string::npos ? "." : key_path.substr(0, slash == 0 ? 1 : slash);
  return folder + (folder == "/" ? "" : "/") + default_ledger_name;
}

// The customer portal.

namespace {

constexpr const char* customer_columns =
    "name, licensee, password_hash, created_by, created_at, failed_logins, locked_until, setup_expires_at";

ledger::customer_account read_customer(const statement& s) {
  ledger::customer_account c;
  c.name = s.text(0);
  c.licensee = s.text(1);
  c.password_hash = s.text(2);
  c.created_by = s.text(3);
  c.created_at = format::parse_utc_time(s.text(4)).value_or(format::utc_time{});
  c.failed_logins = static_cast<int>(s.integer(5));
  c.locked_until = s.integer(6);
  c.setup_expires_at = s.integer(7);
  return c;
}

constexpr const char* portal_request_columns =
    "id, customer, licensee, kind, file_name, request_text, received_at, state, license_id, detail";

ledger::portal_request read_portal_request(const statement& s) {
  ledger::portal_request r;
  r.id = s.integer(0);
  r.customer = s.text(1);
  r.licensee = s.text(2);
  r.kind = s.text(3);
  r.file_name = s.text(4);
  r.request_text = s.text(5);
  r.received_at = format::parse_utc_time(s.text(6)).value_or(format::utc_time{});
  r.state = s.text(7);
  r.license_id = s.text(8);
  r.detail = s.text(9);
  return r;
}

std::string customer_actor(const std::string& name) { return "customer:" + name; }

}  // namespace

void ledger::add_customer(const std::string& name, const std::string& licensee, const std::string& setup_sha256,
                          std::int64_t setup_expires_at, const std::string& by_operator) {
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT 1 FROM customers WHERE name = ?1");
    s.bind(1, name);
    if (s.step())
      throw cli::failure(cli::exit_bad_input, cli::about_file(impl_->path, "customer '" + name + "' exists already"));
    statement add(impl_->db, impl_->path,
                  "INSERT INTO customers (name, licensee, setup_sha256, setup_expires_at, created_by, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    add.bind(1, name).bind(2, licensee).bind(3, setup_sha256).bind(4, setup_expires_at).bind(5, by_operator);
    add.bind(6, format::to_string(now())).run();
    impl_->append_audit(by_operator, "add-customer", "", "customer " + name);
  });
}

std::optional<ledger::customer_account> ledger::find_customer(const std::string& name) const {
  statement s(impl_->db, impl_->path,
              (std::string("SELECT ") + customer_columns + " FROM customers WHERE name = ?1").c_str());
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_customer(s);
}

std::vector<ledger::customer_account> ledger::customers() const {
  statement s(impl_->db, impl_->path,
              (std::string("SELECT ") + customer_columns + " FROM customers ORDER BY name").c_str());
  std::vector<customer_account> out;
  while (s.step()) out.push_back(read_customer(s));
  return out;
}

std::optional<std::string> ledger::set_up_customer(const std::string& setup_sha256, const std::string& password_hash) {
  std::optional<std::string> name;
  if (setup_sha256.empty()) return name;
  impl_->write([&] {
    statement s(impl_->db, impl_->path,
                "SELECT name FROM customers WHERE setup_sha256 = ?1 AND setup_sha256 != '' AND setup_expires_at > ?2");
    s.bind(1, setup_sha256).bind(2, unix_now());
    if (!s.step()) return;
    name = s.text(0);
    statement set(impl_->db, impl_->path,
                  "UPDATE customers SET password_hash = ?1, setup_sha256 = '', setup_expires_at = 0, "
                  "failed_logins = 0, locked_until = 0 WHERE name = ?2");
    set.bind(1, password_hash).bind(2, *name).run();
    impl_->append_audit(customer_actor(*name), "set-up", "", "");
  });
  return name;
}

bool ledger::record_customer_login_failure(const std::string& name, int max_failures, std::int64_t lock_seconds) {
  bool locked = false;
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT failed_logins FROM customers WHERE name = ?1");
    s.bind(1, name);
    if (!s.step()) return;
    const std::int64_t failures = s.integer(0) + 1;
    if (failures >= max_failures) {
      statement lock(impl_->db, impl_->path,
                     "UPDATE customers SET failed_logins = 0, locked_until = ?1 WHERE name = ?2");
      lock.bind(1, unix_now() + lock_seconds).bind(2, name).run();
      impl_->append_audit(customer_actor(name), "locked", "", std::to_string(failures) + " wrong passwords");
      locked = true;
    } else {
      statement count(impl_->db, impl_->path, "UPDATE customers SET failed_logins = ?1 WHERE name = ?2");
      count.bind(1, failures).bind(2, name).run();
      impl_->append_audit(customer_actor(name), "login-failed", "", "wrong password");
    }
  });
  return locked;
}

void ledger::record_customer_login(const std::string& name, const std::string& token_sha256, const session& s) {
  impl_->write([&] {
    statement reset(impl_->db, impl_->path, "UPDATE customers SET failed_logins = 0 WHERE name = ?1");
    reset.bind(1, name).run();
    statement prune(impl_->db, impl_->path, "DELETE FROM customer_sessions WHERE expires_at <= ?1");
    prune.bind(1, unix_now()).run();
    statement add(impl_->db, impl_->path,
                  "INSERT INTO customer_sessions (token_sha256, customer, csrf_token, created_at, expires_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)");
    add.bind(1, token_sha256).bind(2, name).bind(3, s.csrf_token).bind(4, format::to_string(now()));
    add.bind(5, s.expires_at).run();
    impl_->append_audit(customer_actor(name), "login", "", "");
  });
}

std::optional<session> ledger::find_customer_session(const std::string& token_sha256) const {
  statement s(impl_->db, impl_->path,
              "SELECT customer, csrf_token, expires_at FROM customer_sessions WHERE token_sha256 = ?1 AND "
              "expires_at > ?2");
  s.bind(1, token_sha256).bind(2, unix_now());
  if (!s.step()) return std::nullopt;
  return session{s.text(0), s.text(1), s.integer(2)};
}

void ledger::record_customer_logout(const std::string& token_sha256) {
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT customer FROM customer_sessions WHERE token_sha256 = ?1");
    s.bind(1, token_sha256);
    if (!s.step()) return;
    const std::string name = s.text(0);
    statement drop(impl_->db, impl_->path, "DELETE FROM customer_sessions WHERE token_sha256 = ?1");
    drop.bind(1, token_sha256).run();
    impl_->append_audit(customer_actor(name), "logout", "", "");
  });
}

std::int64_t ledger::add_portal_request(const portal_request& r, const std::string& actor, const std::string& action) {
  std::int64_t id = 0;
  impl_->write([&] {
    statement add(impl_->db, impl_->path,
                  "INSERT INTO portal_requests (customer, licensee, kind, file_name, request_text, received_at, "
                  "state, license_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    add.bind(1, r.customer).bind(2, r.licensee).bind(3, r.kind).bind(4, r.file_name).bind(5, r.request_text);
    add.bind(6, format::to_string(now())).bind(7, r.state).bind(8, r.license_id).bind(9, r.detail).run();
    id = sqlite3_last_insert_rowid(impl_->db);
    impl_->append_audit(actor, action, r.license_id, "portal request " + std::to_string(id));
  });
  return id;
}

std::optional<ledger::portal_request> ledger::find_portal_request(std::int64_t id) const {
  statement s(impl_->db, impl_->path,
              (std::string("SELECT ") + portal_request_columns + " FROM portal_requests WHERE id = ?1").c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_portal_request(s);
}

std::vector<ledger::portal_request> ledger::portal_requests(const std::string& customer,
                                                            const std::string& state) const {
  statement s(impl_->db, impl_->path,
              (std::string("SELECT ") + portal_request_columns +
               " FROM portal_requests WHERE (?1 = '' OR customer = ?1) AND (?2 = '' OR state = ?2) ORDER BY id DESC")
                  .c_str());
  s.bind(1, customer).bind(2, state);
  std::vector<portal_request> out;
  while (s.step()) out.push_back(read_portal_request(s));
  return out;
}

bool ledger::settle_portal_request(std::int64_t id, const std::string& state, const std::string& license_id,
                                   const std::string& detail, const std::string& actor, const std::string& action) {
  bool settled = false;
  impl_->write([&] {
    statement s(impl_->db, impl_->path, "SELECT 1 FROM portal_requests WHERE id = ?1 AND state = 'waiting'");
    s.bind(1, id);
    if (!s.step()) return;
    statement set(impl_->db, impl_->path,
                  "UPDATE portal_requests SET state = ?1, license_id = ?2, detail = ?3 WHERE id = ?4");
    set.bind(1, state).bind(2, license_id).bind(3, detail).bind(4, id).run();
    impl_->append_audit(actor, action, license_id,
                        "portal request " + std::to_string(id) + (detail.empty() ? "" : ": " + detail));
    settled = true;
  });
  return settled;
}

// --- API tokens ---------------------------------------------------------------------------------------

namespace {

constexpr std::size_t api_token_id_size = 16;
constexpr const char* api_token_columns = "token_sha256, operator, label, created_at, last_used_at, revoked_at";

std::optional<format::utc_time> optional_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return format::parse_utc_time(text);
}

ledger::api_token read_api_token(statement& s) {
  ledger::api_token t;
  t.token_sha256 = s.text(0);
  t.id = t.token_sha256.substr(0, api_token_id_size);
  t.operator_name = s.text(1);
  t.label = s.text(2);
  t.created_at = format::parse_utc_time(s.text(3)).value_or(format::utc_time{});
  t.last_used_at = optional_time(s.text(4));
  t.revoked_at = optional_time(s.text(5));
  return t;
}

}  // namespace

void ledger::add_api_token(const std::string& operator_name, const std::string& label,
                           const std::string& token_sha256) {
  impl_->write([&] {
    statement add(impl_->db, impl_->path,
                  "INSERT INTO api_tokens (token_sha256, operator, label, created_at) VALUES (?1, ?2, ?3, ?4)");
    add.bind(1, token_sha256).bind(2, operator_name).bind(3, label).bind(4, format::to_string(now())).run();
    impl_->append_audit(operator_name, "api-token", "",
                        "token " + token_sha256.substr(0, api_token_id_size) + " '" + label + "'");
  });
}

std::optional<ledger::api_token> ledger::find_api_token(const std::string& token_sha256) const {
  statement s(
      impl_->db, impl_->path,
      (std::string("SELECT ") + api_token_columns + " FROM api_tokens WHERE token_sha256 = ?1 AND revoked_at = ''")
          .c_str());
  s.bind(1, token_sha256);
  if (!s.step()) return std::nullopt;
  return read_api_token(s);
}

std::vector<ledger::api_token> ledger::api_tokens(const std::string& operator_name) const {
  statement s(impl_->db, impl_->path,
              (std::string("SELECT ") + api_token_columns +
               " FROM api_tokens WHERE operator = ?1 ORDER BY created_at DESC, rowid DESC")
                  .c_str());
  s.bind(1, operator_name);
  std::vector<api_token> out;
  while (s.step()) out.push_back(read_api_token(s));
  return out;
}

bool ledger::revoke_api_token(const std::string& operator_name, const std::string& id) {
  bool revoked = false;
  if (id.size() != api_token_id_size) return false;
  impl_->write([&] {
    statement s(impl_->db, impl_->path,
                "SELECT token_sha256, label FROM api_tokens WHERE operator = ?1 AND substr(token_sha256, 1, ?3) = ?2 "
                "AND revoked_at = ''");
    s.bind(1, operator_name).bind(2, id).bind(3, static_cast<std::int64_t>(api_token_id_size));
    if (!s.step()) return;
    const std::string sha = s.text(0), label = s.text(1);
    statement set(impl_->db, impl_->path, "UPDATE api_tokens SET revoked_at = ?1 WHERE token_sha256 = ?2");
    set.bind(1, format::to_string(now())).bind(2, sha).run();
    impl_->append_audit(operator_name, "revoke-api-token", "", "token " + id + " '" + label + "'");
    revoked = true;
  });
  return revoked;
}

void ledger::touch_api_token(const std::string& token_sha256) {
  const auto t = now();
  {
    statement s(impl_->db, impl_->path, "SELECT last_used_at FROM api_tokens WHERE token_sha256 = ?1");
    s.bind(1, token_sha256);
    if (!s.step()) return;
    const auto last = optional_time(s.text(0));
    if (last && t.seconds - last->seconds < 60) return;
  }
  impl_->write([&] {
    statement set(impl_->db, impl_->path, "UPDATE api_tokens SET last_used_at = ?1 WHERE token_sha256 = ?2");
    set.bind(1, format::to_string(t)).bind(2, token_sha256).run();
  });
}

}  // namespace airlock::ledger
