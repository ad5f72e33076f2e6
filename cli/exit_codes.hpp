// SPDX-License-Identifier: MIT
// The exit codes of every Airlock tool. They are part of the interface:
// scripts and support desks act on them, so a number never changes meaning.
#ifndef AIRLOCK_CLI_EXIT_CODES_HPP
#define AIRLOCK_CLI_EXIT_CODES_HPP

namespace airlock::cli {

enum exit_code : int {
  exit_ok = 0,
  exit_internal = 1,         // a bug: an unexpected error inside the tool
  exit_usage = 2,            // bad command line
  exit_read_failed = 3,      // an input file is missing or unreadable
  exit_write_failed = 4,     // an output cannot be written, or already exists
  exit_bad_key = 5,          // not an Ed25519 key, corrupt, or the wrong kind
  exit_bad_passphrase = 6,   // wrong or missing passphrase
  exit_bad_input = 7,        // invalid data: request, field, date, CSV row
  exit_partial = 8,          // a batch where some rows failed
  exit_ledger_tampered = 9,  // `airlock ledger verify`: a row was edited, deleted or reordered

  // License verdicts (airlock verify, airlock-verify): one code per reason.
  exit_malformed = 10,
  exit_unsupported_version = 11,
  exit_unknown_key = 12,
  exit_bad_signature = 13,
  exit_key_id_mismatch = 14,
  exit_wrong_product = 15,
  exit_not_yet_valid = 16,
  exit_expired = 17,
  exit_build_too_new = 18,
  exit_machine_mismatch = 19,
  exit_unbindable = 20,
  exit_clock_rollback = 21,
  exit_revoked = 22,
  exit_revocation_list_invalid = 23,
  exit_revocation_list_stale = 24,
};

}  // namespace airlock::cli

#endif
