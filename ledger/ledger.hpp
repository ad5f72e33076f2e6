// SPDX-License-Identifier: MIT
// The vendor's ledger: every license `airlock` issues, revocations, erasures
// and retention settings, in one SQLite file whose rows form one hash chain
// (ledger/README.md documents the schema and the chain). No SQLite type
// appears here: the database is an implementation detail of ledger.cpp.
#ifndef AIRLOCK_LEDGER_LEDGER_HPP
#define AIRLOCK_LEDGER_LEDGER_HPP

#include <boost/program_options.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "airlock/format/license.hpp"
#include "airlock/format/time.hpp"

namespace airlock::ledger {

namespace po = boost::program_options;

// Why a license was written, given by the command that writes it.
struct record_context {
  std::string operation = "issue";  // issue | renew | rehost
  std::string supersedes;           // the license id it replaces, or empty
  std::string file_path;            // where the file is written
  std::string file_sha256;          // of the exact bytes written (64 hex digits)
  std::string note;                 // e.g. the reason of a forced re-host
};

// One confirmed license as the ledger holds it.
struct entry {
  std::int64_t row = 0;  // its row in the chain
  std::string license_id, key_id, product, licensee;
  format::utc_time issued;
  format::date not_before;
  std::optional<format::date> expires, updates_until;
  std::vector<std::string> features;
  std::vector<format::limit_entry> limits;
  std::vector<format::meta_entry> meta;
  std::string machine_policy;  // empty: unbound
  format::component_hashes machine;
  std::string file_path, file_sha256, supersedes, operation, note, issued_by;
  format::utc_time recorded_at;
  std::string license_text;  // empty once forgotten
  bool revoked = false;
  format::utc_time revoked_at;
  std::string revoke_reason;
  std::string superseded_by;  // the first license that supersedes it (renewal or re-host), or empty
  bool forgotten = false;
};

// What `ledger search` and the console's license list filter on; an empty field matches everything.
struct search_filter {
  std::string licensee;  // part of the name, ASCII letters in any case
  std::string product, feature;
  std::string machine;  // one component hash of any class (not the evidence-only ones)
  std::string state;    // one of license_states, judged on `as_of`
  std::optional<format::date> expiring_before, issued_after, issued_before;
  std::optional<format::date> updates_ending_before;  // maintenance ("updates until") ends before this day
  std::optional<format::date> as_of;                  // the day states are judged on; default: today (UTC)
};

// The order of a search's results; ties go newest recorded first.
struct search_order {
  enum class key { recorded, issued, expires, licensee, product };
  key by = key::recorded;
  bool descending = true;
};

// One page of a search, and how many licenses match in all.
struct search_page {
  std::int64_t total = 0;
  std::vector<entry> entries;
};

// What a license is on `day`, the first of these that holds: revoked, superseded, expired, not yet
// valid, active.
[[nodiscard]] const char* state_of(const entry& e, const format::date& day);
inline constexpr const char* license_states[] = {"active", "not yet valid", "expired", "superseded", "revoked"};

// A console operator (console/, schema version 2). The password hash is keys::hash_password's.
struct operator_account {
  std::string name, password_hash;
  format::utc_time created_at;
  int failed_logins = 0;          // wrong passwords since the last login or lock-out
  std::int64_t locked_until = 0;  // Unix seconds; 0: never locked
};

// A console session; the ledger keeps only the SHA-256 of its token.
struct session {
  std::string operator_name, csrf_token;
  std::int64_t expires_at = 0;  // Unix seconds
};

// One operator action, as chained (kind `audit`).
struct audit_event {
  std::int64_t row = 0;
  std::string operator_name, action, license_id, detail;
  format::utc_time at;
};

// What `ledger verify` found: ok, or the first broken row named.
struct verify_result {
  bool ok = false;
  std::int64_t rows = 0;
  std::string head;     // the chain value of the last row (64 hex digits)
  std::string problem;  // "row 7 (license abc): ..." when !ok
};

// What `ledger check` did.
struct check_result {
  int confirmed = 0;  // pending rows whose file was found with the recorded SHA-256
  int dropped = 0;    // pending rows whose file was not
  int forgotten = 0;  // licenses whose personal fields the retention period erased
};

class ledger {
 public:
  // Creates or opens the file (mode 0600 when created), migrates its schema,
  // then runs check(), reporting what it did in *checked when given. Throws
  // cli::failure(exit_write_failed) naming the file.
  [[nodiscard]] static ledger open(const std::string& path, check_result* checked = nullptr);
  // The same for a ledger that must exist already (queries, revoke): a
  // missing file is cli::failure(exit_read_failed), never a new empty ledger.
  [[nodiscard]] static ledger open_existing(const std::string& path, check_result* checked = nullptr);
  ledger(ledger&&) noexcept;
  ledger& operator=(ledger&&) noexcept;
  ~ledger();

  [[nodiscard]] const std::string& path() const;

  // Two-phase recording: a pending row before the file is written, confirmed
  // (and chained) after. check() settles rows a crash left pending.
  [[nodiscard]] std::int64_t record_pending(const format::license& lic, const std::string& license_text,
                                            const record_context& ctx);
  void confirm(std::int64_t pending);
  // Many at once, one transaction each (batch issuance).
  [[nodiscard]] std::vector<std::int64_t> record_pending(const std::vector<const format::license*>& lics,
                                                         const std::vector<const std::string*>& texts,
                                                         const std::vector<record_context>& ctxs);
  void confirm(const std::vector<std::int64_t>& pending);
  void drop_pending(const std::vector<std::int64_t>& pending) noexcept;  // rows whose file was not written

  check_result check();
  [[nodiscard]] verify_result verify() const;

  [[nodiscard]] std::optional<entry> find(const std::string& license_id) const;
  [[nodiscard]] std::vector<entry> entries() const;  // every confirmed license, in chain order
  // The licenses a filter matches, filtered and ordered by SQLite (indexed: a page of a ledger of
  // 100,000 licenses takes milliseconds). limit 0: every match. Throws cli::failure(exit_usage) for a
  // state that is not one of license_states.
  [[nodiscard]] search_page search(const search_filter& filter, const search_order& order = {}, std::size_t offset = 0,
                                   std::size_t limit = 0) const;
  // Confirmed licenses per product and state (license_states) on `day`.
  [[nodiscard]] std::vector<std::pair<std::string, std::array<std::int64_t, 5>>> state_counts(
      const format::date& day) const;
  [[nodiscard]] std::vector<entry> successors_of(const std::string& license_id) const;
  // Follows supersedes back to the first license and counts the rehost rows
  // (the given license included) issued at or after `since`.
  [[nodiscard]] int rehosts_in_chain_since(const std::string& license_id, const format::utc_time& since) const;

  // False if already revoked; throws cli::failure(exit_bad_input) naming an unknown id. With an
  // operator (the console), the audit row of the revocation is chained in the same transaction.
  bool revoke(const std::string& license_id, const std::string& reason, const std::string& by_operator = {});
  // Per product, whatever key signed: a product trusts every key of its vendor, so one list and one
  // sequence serve it across a key rotation (FORMAT.md 11.2).
  [[nodiscard]] std::vector<std::string> revoked_ids(const std::string& product) const;
  [[nodiscard]] std::int64_t last_revocation_sequence(const std::string& product) const;
  void record_revocation_list(const std::string& key_id, const std::string& product, std::int64_t sequence,
                              const std::string& file_sha256);

  // Console operators. add_operator throws cli::failure(exit_bad_input) when the name is taken, and
  // chains an `add-operator` audit row naming the operating-system user who added it.
  void add_operator(const std::string& name, const std::string& password_hash);
  [[nodiscard]] std::optional<operator_account> find_operator(const std::string& name) const;
  [[nodiscard]] bool has_operators() const;
  // A wrong password: counts it, and after max_failures locks the account until now + lock_seconds
  // (chained as `locked`). Returns true when this failure locked it.
  bool record_login_failure(const std::string& name, int max_failures, std::int64_t lock_seconds);
  // A right password: clears the count, stores the session, chains `login`.
  void record_login(const std::string& name, const std::string& token_sha256, const session& s);
  [[nodiscard]] std::optional<session> find_session(const std::string& token_sha256) const;  // live ones only
  // Removes the session and chains `logout`.
  void record_logout(const std::string& token_sha256);
  void record_audit(const std::string& operator_name, const std::string& action, const std::string& license_id,
                    const std::string& detail);
  [[nodiscard]] std::vector<audit_event> audit_log(std::size_t limit) const;  // newest first

  // Erasure: personal fields become a tombstone, the license text is erased.
  // Returns how many licenses were forgotten (0: none held for that name).
  int forget_licensee(const std::string& licensee);
  // nullopt: no retention period (the default, or after set_retention_days(nullopt)).
  [[nodiscard]] std::optional<int> retention_days() const;
  void set_retention_days(std::optional<int> days);

  // The customer portal (console/, schema version 3): accounts limited to one licensee, created by an
  // operator with a one-time set-up link (only its SHA-256 is kept), their sessions (the `session`
  // struct, its name a customer's), and the requests they upload. Customer actions chain audit rows
  // whose operator is "customer:NAME".
  struct customer_account {
    std::string name, licensee, password_hash;  // password_hash empty until set up
    std::string created_by;
    format::utc_time created_at;
    int failed_logins = 0;
    std::int64_t locked_until = 0;
    std::int64_t setup_expires_at = 0;  // 0: no set-up link outstanding
  };
  struct portal_request {
    std::int64_t id = 0;
    std::string customer, licensee, kind;  // kind: activation | rehost
    std::string file_name, request_text;
    format::utc_time received_at;
    std::string state = "waiting";   // waiting | issued | refused
    std::string license_id, detail;  // what it became; the reason it waits or was refused
  };
  // Throws cli::failure(exit_bad_input) when the name is taken; chains `add-customer` by the operator.
  void add_customer(const std::string& name, const std::string& licensee, const std::string& setup_sha256,
                    std::int64_t setup_expires_at, const std::string& by_operator);
  [[nodiscard]] std::optional<customer_account> find_customer(const std::string& name) const;
  [[nodiscard]] std::vector<customer_account> customers() const;
  // A live, unused set-up link: sets the password, spends the link, chains `set-up`. Returns the
  // customer's name, or nullopt for an unknown, used or expired link.
  std::optional<std::string> set_up_customer(const std::string& setup_sha256, const std::string& password_hash);
  // As the operator's: counts a wrong password, locks after max_failures; true when this one locked it.
  bool record_customer_login_failure(const std::string& name, int max_failures, std::int64_t lock_seconds);
  void record_customer_login(const std::string& name, const std::string& token_sha256, const session& s);
  [[nodiscard]] std::optional<session> find_customer_session(const std::string& token_sha256) const;
  void record_customer_logout(const std::string& token_sha256);
  // Stores a request (its id returned) and chains `actor`'s `action` row in one transaction.
  std::int64_t add_portal_request(const portal_request& r, const std::string& actor, const std::string& action);
  [[nodiscard]] std::optional<portal_request> find_portal_request(std::int64_t id) const;
  // Newest first; an empty customer: everybody's, an empty state: every state.
  [[nodiscard]] std::vector<portal_request> portal_requests(const std::string& customer,
                                                            const std::string& state) const;
  // A waiting request becomes issued or refused; chains `actor`'s `action`. False if it was not waiting.
  bool settle_portal_request(std::int64_t id, const std::string& state, const std::string& license_id,
                             const std::string& detail, const std::string& actor, const std::string& action);

  // The API's bearer tokens (console/, schema version 3): an operator's, named by a label; the ledger
  // keeps only the token's SHA-256, and a token's id is the first 16 hex digits of it. Creating and
  // revoking chain `api-token` and `revoke-api-token` rows by the operator.
  struct api_token {
    std::string id, token_sha256, operator_name, label;
    format::utc_time created_at;
    std::optional<format::utc_time> last_used_at, revoked_at;
  };
  void add_api_token(const std::string& operator_name, const std::string& label, const std::string& token_sha256);
  // A live (not revoked) token's record, by the SHA-256 of what was presented.
  [[nodiscard]] std::optional<api_token> find_api_token(const std::string& token_sha256) const;
  [[nodiscard]] std::vector<api_token> api_tokens(const std::string& operator_name) const;  // newest first
  // False when the operator holds no live token of that id.
  bool revoke_api_token(const std::string& operator_name, const std::string& id);
  // Notes the token's use; a write at most once a minute per token, so a busy client costs no
  // write per call.
  void touch_api_token(const std::string& token_sha256);

 private:
  struct impl;
  explicit ledger(std::unique_ptr<impl> state);
  std::unique_ptr<impl> impl_;
};

inline constexpr const char* default_ledger_name = "airlock-ledger.sqlite";
inline constexpr const char* forgotten_tombstone = "(forgotten)";

// --ledger FILE, --no-ledger: added to a command's options.
void add_ledger_options(po::options_description& options, bool allow_opt_out);

// The one rule: --no-ledger -> nullopt; else --ledger FILE; else $AIRLOCK_LEDGER;
// else the default file beside key_path (empty key_path: a usage error).
[[nodiscard]] std::optional<std::string> ledger_path(const po::variables_map& vm, const std::string& key_path);

// SHA-256 of text as 64 lowercase hex digits.
[[nodiscard]] std::string sha256_hex(const std::string& text);

}  // namespace airlock::ledger

#endif
