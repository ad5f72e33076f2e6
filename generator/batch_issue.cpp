// SPDX-License-Identifier: MIT
#include "generator/batch_issue.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"
#include "ledger/ledger.hpp"

namespace airlock::generator {
namespace {

// Rows read, signed and written per round: enough to keep every core busy,
// few enough that a batch of any size needs little memory.
constexpr std::size_t rows_per_round = 4096, bytes_per_round = std::size_t{8} << 20;
constexpr std::size_t max_message = 300;

}  // namespace

const std::vector<std::string> order_columns = {"licensee",      "product",         "id",     "not_before", "expires",
                                                "updates_until", "features",        "limits", "meta",       "request",
                                                "unbound",       "allow_container", "file"};

std::string cell(const csv_row& row, const char* name) {
  const auto it = row.cells.find(name);
  return it == row.cells.end() ? std::string() : it->second;
}

namespace {

std::vector<std::string> list_cell(const csv_row& row, const char* name) {
  std::vector<std::string> items;
  std::string text = cell(row, name), item;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    item = text.substr(start, end - start);
    if (!item.empty()) items.push_back(item);
    start = end + 1;
  }
  return items;
}

bool yes(const std::string& text) { return text == "yes" || text == "true" || text == "1"; }

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

[[noreturn]] void bad_cell(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

bool has_parent_step(const std::string& path) {
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (path.compare(start, end - start, "..") == 0) return true;
    start = end + 1;
  }
  return false;
}

// An order file names requests beside it or below it, never elsewhere: the
// CSV may come from a customer-facing system, and the vendor's machine holds
// the signing key.
std::string request_path(const std::string& cell_text, const std::string& orders_path) {
  if (cell_text.empty()) return {};
  const std::string shown = "request '" + excerpt(cell_text, 64) + "'";
  if (cell_text[0] == '/' || has_parent_step(cell_text))
    bad_cell(shown + " must be a path inside the order file's folder (no leading / and no ..)");
  const std::string folder = folder_of(orders_path), path = folder + "/" + cell_text;
  std::error_code error;
  const auto real_folder = std::filesystem::canonical(folder, error);
  const auto real_path = std::filesystem::weakly_canonical(path, error);
  const auto [mismatch, rest] =
      std::mismatch(real_folder.begin(), real_folder.end(), real_path.begin(), real_path.end());
  if (!error && (mismatch != real_folder.end() || rest == real_path.end()))
    bad_cell(shown + " leads out of the order file's folder through a symbolic link");
  return path;
}

license_order order_from(const csv_row& row, const batch_settings& settings) {
  license_order order = order_of_row(row, settings.default_product);
  order.request_path = request_path(cell(row, "request"), settings.orders_path);
  return order;
}

std::string output_name(const csv_row& row, const format::license& lic) {
  std::string name = cell(row, "file");
  if (name.empty()) return lic.id + ".toml";
  const bool plain = name.size() <= 255 && name[0] != '.' && std::none_of(name.begin(), name.end(), [](char c) {
                       return c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                     });
  if (!plain)
    bad_cell("file '" + excerpt(name, 64) +
             "' must be a plain file name (no /, no leading dot, no control characters)");
  return name;
}

// One row, signed and ready to be recorded and written.
struct signed_row {
  format::license lic;
  std::string name, text;
  std::string problem;  // empty: ready
  std::int64_t pending = 0;
};

// Builds and signs one row (no file is touched).
signed_row sign_row(const csv_row& row, const batch_settings& settings, const keys::signing_key& key,
                    const std::string& key_id) {
  signed_row out;
  if (!row.error.empty()) {
    out.problem = row.error;
    return out;
  }
  try {
    out.lic = build_license(order_from(row, settings), key_id, settings.issued);
    out.name = output_name(row, out.lic);
    out.text = sign_license(out.lic, key);
  } catch (const std::exception& e) {
    out.problem = e.what();
  }
  return out;
}

// Two rows naming the same output file would race: which one got written
// would depend on thread timing. Decide before signing, in row order: the
// first row keeps the name and each later one is reported. `first_line`
// spans the whole file (names only: the memory of a batch stays small).
void refuse_duplicate_names(std::vector<csv_row>& rows, std::map<std::string, std::size_t>& first_line) {
  for (csv_row& row : rows) {
    if (!row.error.empty()) continue;
    std::string name = cell(row, "file");
    if (name.empty() && !cell(row, "id").empty()) name = cell(row, "id") + ".toml";
    if (name.empty()) continue;  // a random id: unique
    const auto [it, fresh] = first_line.emplace(name, row.line);
    if (!fresh)
      row.error = "output file '" + excerpt(name, 64) + "' is already written by line " + std::to_string(it->second);
  }
}

void draw_progress(std::size_t done, std::size_t total) {
  const std::size_t width = 40, filled = total ? done * width / total : width;
  std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
               done, total);
}

// Runs work(i) for i in [0, count) on `jobs` threads, with a progress bar
// when asked, until the folder stops.
void run_parallel(std::size_t count, const batch_settings& settings, const cli::batch_folder& folder, bool progress,
                  const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0}, done{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !folder.stopped(); i = next++) {
      work(i);
      ++done;
    }
    done = count;  // stopped early: the progress bar must end
  };
  // Never more threads than rows; a system that refuses more threads
  // gets the ones it gave (an exception here would leave threads unjoined).
  const std::size_t asked = settings.jobs ? settings.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::max<std::size_t>(1, std::min(asked, count));
  std::vector<std::thread> threads;
  try {
    for (std::size_t j = 0; j < jobs; ++j) threads.emplace_back(worker);
  } catch (const std::system_error&) {
    if (threads.empty()) worker();
  }
  const bool show = progress && settings.progress && isatty(STDERR_FILENO);
  while (show && done < count) {
    draw_progress(done, count);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : threads) t.join();
  if (show) draw_progress(done, count), std::fputc('\n', stderr);
}

// Signs every row, records the signed ones as pending in the ledger, writes
// them, makes them durable, then confirms the rows whose file was written
// and drops the others. problems[i] is row i's.
std::vector<std::string> issue_all(const std::vector<csv_row>& rows, const batch_settings& settings,
                                   const keys::signing_key& key, const cli::batch_folder& folder,
                                   ledger::ledger* book) {
  const std::string key_id = keys::key_id(key.public_key());
  std::vector<signed_row> signed_rows(rows.size());
  run_parallel(rows.size(), settings, folder, true,
               [&](std::size_t i) { signed_rows[i] = sign_row(rows[i], settings, key, key_id); });
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (signed_rows[i].problem.empty()) ready.push_back(i);
  if (book) {
    std::vector<const format::license*> lics;
    std::vector<const std::string*> texts;
    std::vector<ledger::record_context> contexts;
    for (const std::size_t i : ready) {
      lics.push_back(&signed_rows[i].lic);
      texts.push_back(&signed_rows[i].text);
      contexts.push_back(
          {"issue", "", folder.path() + "/" + signed_rows[i].name, ledger::sha256_hex(signed_rows[i].text), ""});
    }
    const auto pending = book->record_pending(lics, texts, contexts);
    for (std::size_t k = 0; k < ready.size(); ++k) signed_rows[ready[k]].pending = pending[k];
  }
  std::vector<std::string> problems(rows.size());
  std::vector<char> written(rows.size(), 0);
  for (std::size_t i = 0; i < rows.size(); ++i) problems[i] = signed_rows[i].problem;
  run_parallel(ready.size(), settings, folder, false, [&](std::size_t k) {
    const std::size_t i = ready[k];
    problems[i] = folder.write_new(signed_rows[i].name, signed_rows[i].text, 0644);
    written[i] = problems[i].empty();
  });
  for (const std::size_t i : ready)
    if (!written[i] && problems[i].empty()) problems[i] = "not written: the batch stopped";
  if (book) {
    std::vector<std::int64_t> confirmed, dropped;
    for (const std::size_t i : ready) (written[i] ? confirmed : dropped).push_back(signed_rows[i].pending);
    book->drop_pending(dropped);
    if (!confirmed.empty()) folder.sync();  // a confirmed row promises a durable file
    book->confirm(confirmed);
  }
  return problems;
}

}  // namespace

license_order order_of_row(const csv_row& row, const std::string& default_product) {
  license_order order;
  order.licensee = cell(row, "licensee");
  order.product = row.cells.count("product") ? cell(row, "product") : default_product;
  order.id = cell(row, "id");
  order.not_before = cell(row, "not_before");
  order.expires = cell(row, "expires");
  order.updates_until = cell(row, "updates_until");
  order.features = list_cell(row, "features");
  order.limits = list_cell(row, "limits");
  order.meta = list_cell(row, "meta");
  order.unbound = yes(cell(row, "unbound"));
  order.allow_container = yes(cell(row, "allow_container"));
  return order;
}

int issue_batch(const batch_settings& settings, const keys::signing_key& key) {
  const auto started = std::chrono::steady_clock::now();
  cli::input_file orders(settings.orders_path);
  orders_reader reader([&](char* buf, std::size_t size) { return orders.read(buf, size); }, order_columns,
                       {"licensee"});
  if (!reader.header_error().empty())
    throw cli::failure(cli::exit_bad_input, cli::about_file(settings.orders_path, reader.header_error()));
  // Before any file is written: a ledger that cannot be opened stops the batch here.
  std::optional<ledger::ledger> book;
  if (settings.ledger_file) book.emplace(ledger::ledger::open(*settings.ledger_file));
  const std::vector<std::string> created = cli::make_private_dirs(settings.out_dir);
  std::unique_ptr<cli::batch_folder> folder;
  try {
    folder = std::make_unique<cli::batch_folder>(settings.out_dir);
  } catch (...) {
    cli::remove_folders(created);
    throw;
  }

  std::map<std::string, std::size_t> first_line;
  std::size_t issued = 0, failed = 0;
  std::vector<csv_row> rows;
  for (bool more = true; more && !folder->stopped();) {
    rows.clear();
    csv_row row;
    std::size_t bytes = 0;
    while (rows.size() < rows_per_round && bytes < bytes_per_round && (more = reader.next(row))) {
      for (const auto& [name, value] : row.cells) bytes += name.size() + value.size();
      rows.push_back(std::move(row));
    }
    refuse_duplicate_names(rows, first_line);
    const std::vector<std::string> problems = issue_all(rows, settings, key, *folder, book ? &*book : nullptr);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (problems[i].empty()) {
        ++issued;
        continue;
      }
      if (folder->stopped()) break;  // reported once, below
      ++failed;
      cli::print_error("airlock", settings.orders_path + ":" + std::to_string(rows[i].line) + ": " +
                                      excerpt(problems[i], max_message));
    }
  }
  folder->sync();
  if (folder->stopped())
    throw cli::failure(cli::exit_write_failed,
                       folder->stop_reason() + " (the batch stopped; the licenses written before are complete)");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "airlock: issued %zu license(s) into %s, %zu row(s) failed, in %.2f s (%.0f licenses/s)\n",
               issued, settings.out_dir.c_str(), failed, seconds, seconds > 0 ? issued / seconds : 0.0);
  return failed ? cli::exit_partial : cli::exit_ok;
}

}  // namespace airlock::generator
