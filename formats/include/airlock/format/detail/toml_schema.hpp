// SPDX-License-Identifier: MIT
// Reads a canonical-TOML document against a fixed order of tables and keys, with exact errors.
#ifndef AIRLOCK_FORMAT_DETAIL_TOML_SCHEMA_HPP
#define AIRLOCK_FORMAT_DETAIL_TOML_SCHEMA_HPP

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/detail/field_checks.hpp"
#include "airlock/format/detail/toml_cursor.hpp"

namespace airlock::format::detail {

/// Names in their one allowed order, with which of them have been read.
struct name_order {
  std::string_view context;  ///< the table the keys belong to; empty for the list of tables
  std::vector<std::string_view> names;
  std::vector<bool> seen;

  [[nodiscard]] std::size_t index_of(std::string_view name) const noexcept {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  }
};

/// Why `found` is not the `expected` name (which may be empty: "nothing more expected here").
[[nodiscard]] inline std::string unexpected_name(const name_order& order, std::string_view found,
                                                 std::string_view expected) {
  const bool tables = order.context.empty();
  const std::string shown = tables ? "[" + std::string(found) + "]" : "'" + std::string(found) + "'";
  const std::string noun = tables ? "table " : "key ";
  const std::size_t index = order.index_of(found);
  if (index == order.names.size()) {
    return "unknown " + noun + shown + (tables ? "" : " in [" + std::string(order.context) + "]");
  }
  if (order.seen[index]) return "duplicate " + noun + shown;
  if (!expected.empty() && index > order.index_of(expected)) {
    const std::string wanted = tables ? "[" + std::string(expected) + "]" : "'" + std::string(expected) + "'";
    return "expected " + noun + wanted + " before " + shown;
  }
  return noun + shown + " is out of order";
}

/// Walks a document whose tables and keys come in one fixed order, remembering where each value
/// was so that semantic problems found later can still be reported at their line and column.
class document_reader {
 public:
  explicit document_reader(std::string_view text) noexcept : cursor_(text) {}

  [[nodiscard]] bool failed() const noexcept { return cursor_.failed(); }
  [[nodiscard]] const parse_error& error() const noexcept { return *cursor_.error(); }

  void expect_tables(std::initializer_list<std::string_view> names) {
    tables_ = name_order{{}, names, std::vector<bool>(names.size(), false)};
  }

  /// Consumes the header [name] if it is next. A missing required table is an error.
  bool take_table(std::string_view name, bool required) {
    const toml_item* item = cursor_.peek();
    if (item == nullptr) return false;
    if (item->kind == toml_item::type::table && item->name == name) {
      if (tables_.index_of(name) < tables_.seen.size()) tables_.seen[tables_.index_of(name)] = true;
      record(std::string(name), item->line, item->column);
      cursor_.take();
      return true;
    }
    if (required) fail_unexpected(*item, tables_, name);
    return false;
  }

  /// After the last table: the input must end here.
  bool expect_end() {
    const toml_item* item = cursor_.peek();
    if (item == nullptr) return false;
    if (item->kind == toml_item::type::end) return true;
    return fail_unexpected(*item, tables_, {});
  }

  void expect_keys(std::string_view table, std::initializer_list<std::string_view> names) {
    keys_ = name_order{table, names, std::vector<bool>(names.size(), false)};
  }

  /// The value of `key` if it is the next line and of the right kind. An absent optional key
  /// gives nullopt without an error; check failed() to tell the two apart.
  std::optional<toml_value> take(std::string_view key, value_kind kind, bool required) {
    const toml_item* item = cursor_.peek();
    if (item == nullptr) return std::nullopt;
    if (item->kind != toml_item::type::key_value || item->name != key) {
      if (required) fail_unexpected(*item, keys_, key);
      return std::nullopt;
    }
    if (item->value.kind != kind) {
      cursor_.fail_at(item->line, item->value_column,
                      "'" + std::string(key) + "' must be " + std::string(kind_name(kind)));
      return std::nullopt;
    }
    if (keys_.index_of(key) < keys_.seen.size()) keys_.seen[keys_.index_of(key)] = true;
    record(std::string(keys_.context) + "." + std::string(key), item->line, item->value_column);
    return cursor_.take().value;
  }

  /// After the last key of a table: the next line must start a table or end the input.
  /// `message`, if given, replaces the generic text for a key found here.
  bool end_keys(std::string_view message = {}) {
    const toml_item* item = cursor_.peek();
    if (item == nullptr) return false;
    if (item->kind != toml_item::type::key_value) return true;
    if (!message.empty()) return cursor_.fail_at(item->line, item->column, std::string(message));
    return fail_unexpected(*item, keys_, {});
  }

  /// Extension keys (FORMAT.md 8.1) after the defined keys of the current table: sorted, unique,
  /// of any kind, none of them a defined name. Appends "table.key" for each to `names`.
  bool take_extension_keys(std::string_view table, std::vector<std::string>& names) {
    return take_sorted_names(table, &keys_, [&](std::string name) { names.push_back(std::move(name)); });
  }

  /// Extension tables (FORMAT.md 8.1) after the last defined table: sorted, unique, non-empty,
  /// each with sorted keys of any kind. Appends each table name to `names`.
  bool take_extension_tables(std::vector<std::string>& names) {
    std::string previous;
    for (const toml_item* item = cursor_.peek(); item != nullptr && item->kind == toml_item::type::table;
         item = cursor_.peek()) {
      std::string message;
      if (tables_.index_of(item->name) < tables_.names.size()) {
        message = unexpected_name(tables_, item->name, {});
      } else if (item->name == "signature" || names_defined_subtable(item->name)) {
        message = "[" + item->name + "] is not an extension table (a defined table's name, or under one)";
      } else if (!previous.empty() && item->name <= previous) {
        message = item->name == previous ? "duplicate table [" + item->name + "]"
                                         : "extension table [" + item->name + "] is out of order (they are sorted)";
      }
      if (!message.empty()) return cursor_.fail_at(item->line, item->column, std::move(message));
      const std::size_t line = item->line;
      const std::size_t column = item->column;
      previous = item->name;
      record(previous, line, column);
      cursor_.take();
      std::size_t keys = 0;
      if (!take_sorted_names(previous, nullptr, [&](const std::string&) { ++keys; })) return false;
      if (keys == 0) return cursor_.fail_at(line, column, "extension table [" + previous + "] is empty");
      names.push_back(previous);
    }
    return !cursor_.failed();
  }

  /// `license.x`, `signature.x`: under a table name this version defines (in any of its files), so
  /// never an extension table (FORMAT.md 8.1), which keeps `machine.x` in `critical` a key.
  [[nodiscard]] static bool names_defined_subtable(std::string_view name) noexcept {
    for (std::string_view root : {"license.", "machine.", "revocations.", "signature."})
      if (name.substr(0, root.size()) == root) return true;
    return false;
  }

  /// True when the document held this field ("table.key") or table, as read so far.
  [[nodiscard]] bool has_field(std::string_view field) const noexcept {
    for (const field_position& known : positions_)
      if (known.field == field) return true;
    return false;
  }

  /// When the next key is one this table defines: fails with `message` (a defined key out of its
  /// place); extension keys are left for take_extension_keys.
  bool end_defined_keys(std::string_view message) {
    const toml_item* item = cursor_.peek();
    if (item == nullptr) return false;
    if (item->kind != toml_item::type::key_value || keys_.index_of(item->name) == keys_.names.size()) return true;
    return cursor_.fail_at(item->line, item->column, std::string(message));
  }

  /// Reads the key/value lines up to the next table as free-form entries of one kind, whose
  /// keys must be sorted (bytewise) and unique: the one canonical order.
  std::vector<toml_item> take_sorted_entries(std::string_view table, value_kind kind, std::size_t limit) {
    std::vector<toml_item> entries;
    for (const toml_item* item = cursor_.peek(); item != nullptr && item->kind == toml_item::type::key_value;
         item = cursor_.peek()) {
      if (!check_entry(*item, table, kind, entries, limit)) return {};
      record(std::string(table) + "." + item->name, item->line, item->value_column);
      entries.push_back(cursor_.take());
    }
    return entries;
  }

  /// Reports a semantic problem at the value it names (or at its table).
  bool fail_problem(const problem& found, error_kind kind = error_kind::malformed) {
    const field_position* best = nullptr;
    for (const field_position& known : positions_) {
      const bool prefix = found.field.compare(0, known.field.size(), known.field) == 0 &&
                          (found.field.size() == known.field.size() || found.field[known.field.size()] == '.');
      if (prefix && (best == nullptr || known.field.size() > best->field.size())) best = &known;
    }
    if (best == nullptr) return cursor_.fail_at(1, 1, found.message, kind);
    return cursor_.fail_at(best->line, best->column, found.message, kind);
  }

  bool fail_at_value(std::string_view field, std::string message, error_kind kind) {
    return fail_problem(problem{std::string(field), std::move(message)}, kind);
  }

 private:
  struct field_position {
    std::string field;
    std::size_t line;
    std::size_t column;
  };

  void record(std::string field, std::size_t line, std::size_t column) {
    positions_.push_back(field_position{std::move(field), line, column});
  }

  bool fail_unexpected(const toml_item& item, const name_order& order, std::string_view expected) {
    std::string message;
    if (item.kind == toml_item::type::end || (item.kind == toml_item::type::table && !order.context.empty())) {
      message = order.context.empty()
                    ? "missing table [" + std::string(expected) + "]"
                    : "missing key '" + std::string(expected) + "' in [" + std::string(order.context) + "]";
    } else {
      message = unexpected_name(order, item.name, expected);
    }
    return cursor_.fail_at(item.line, item.column, std::move(message));
  }

  /// Key lines up to the next table, sorted and unique, any kind; with `defined`, none of its names.
  template <class Take>
  bool take_sorted_names(std::string_view table, const name_order* defined, Take take) {
    std::string previous;
    for (const toml_item* item = cursor_.peek(); item != nullptr && item->kind == toml_item::type::key_value;
         item = cursor_.peek()) {
      std::string message;
      if (defined != nullptr && defined->index_of(item->name) < defined->names.size()) {
        message = unexpected_name(*defined, item->name, {});
      } else if (!previous.empty() && item->name <= previous) {
        message = item->name == previous ? "duplicate key '" + item->name + "'"
                                         : "extension key '" + item->name + "' is out of order (they are sorted)";
      }
      if (!message.empty()) return cursor_.fail_at(item->line, item->column, std::move(message));
      previous = item->name;
      std::string field = std::string(table) + "." + previous;
      record(field, item->line, item->value_column);
      cursor_.take();
      take(std::move(field));
    }
    return !cursor_.failed();
  }

  bool check_entry(const toml_item& item, std::string_view table, value_kind kind,
                   const std::vector<toml_item>& entries, std::size_t limit) {
    std::string message;
    if (entries.size() == limit) {
      message = "more than " + std::to_string(limit) + " entries in [" + std::string(table) + "]";
    } else if (!entries.empty() && entries.back().name == item.name) {
      message = "duplicate key '" + item.name + "'";
    } else if (!entries.empty() && entries.back().name > item.name) {
      message = "key '" + item.name + "' is out of order (keys are sorted)";
    } else if (item.value.kind != kind) {
      return cursor_.fail_at(item.line, item.value_column,
                             "'" + item.name + "' must be " + std::string(kind_name(kind)));
    } else {
      return true;
    }
    return cursor_.fail_at(item.line, item.column, std::move(message));
  }

  toml_cursor cursor_;
  name_order tables_;
  name_order keys_;
  std::vector<field_position> positions_;
};

// Typed reads of one required or optional key; false once the document has an error.

inline bool read_key(document_reader& reader, std::string_view key, std::string& out) {
  auto value = reader.take(key, value_kind::string, true);
  if (value) out = std::move(value->text);
  return value.has_value();
}

inline bool read_key(document_reader& reader, std::string_view key, std::int64_t& out) {
  auto value = reader.take(key, value_kind::integer, true);
  if (value) out = value->integer;
  return value.has_value();
}

inline bool read_key(document_reader& reader, std::string_view key, bool& out) {
  auto value = reader.take(key, value_kind::boolean, true);
  if (value) out = value->boolean;
  return value.has_value();
}

inline bool read_key(document_reader& reader, std::string_view key, date& out) {
  auto value = reader.take(key, value_kind::date, true);
  if (value) out = value->day;
  return value.has_value();
}

inline bool read_key(document_reader& reader, std::string_view key, utc_time& out) {
  auto value = reader.take(key, value_kind::date_time, true);
  if (value) out = value->instant;
  return value.has_value();
}

inline bool read_key(document_reader& reader, std::string_view key, std::vector<std::string>& out) {
  auto value = reader.take(key, value_kind::string_array, true);
  if (value) out = std::move(value->strings);
  return value.has_value();
}

inline bool read_optional_key(document_reader& reader, std::string_view key, std::optional<std::string>& out) {
  auto value = reader.take(key, value_kind::string, false);
  if (value) out = std::move(value->text);
  return !reader.failed();
}

inline bool read_optional_key(document_reader& reader, std::string_view key, std::optional<std::int64_t>& out) {
  auto value = reader.take(key, value_kind::integer, false);
  if (value) out = value->integer;
  return !reader.failed();
}

inline bool read_optional_key(document_reader& reader, std::string_view key, std::optional<date>& out) {
  auto value = reader.take(key, value_kind::date, false);
  if (value) out = value->day;
  return !reader.failed();
}

/// An absent array reads as empty; an explicit `[]` is left to the semantic checks to reject.
inline bool read_optional_key(document_reader& reader, std::string_view key, std::vector<std::string>& out,
                              bool& present) {
  auto value = reader.take(key, value_kind::string_array, false);
  present = value.has_value();
  if (value) out = std::move(value->strings);
  return !reader.failed();
}

}  // namespace airlock::format::detail

#endif  // AIRLOCK_FORMAT_DETAIL_TOML_SCHEMA_HPP
