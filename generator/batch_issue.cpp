// SPDX-License-Identifier: MIT
#include "generator/batch_issue.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/diagnostics.hpp"
#include "cli/file_io.hpp"
#include "generator/command_line.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"

namespace airlock::generator {
namespace {

const std::vector<std::string> known_columns = {"licensee",      "product",         "id",     "not_before", "expires",
                                                "updates_until", "features",        "limits", "meta",       "request",
                                                "unbound",       "allow_container", "file"};

std::string cell(const csv_row& row, const char* name) {
  const auto it = row.cells.find(name);
  return it == row.cells.end() ? std::string() : it->second;
}

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

license_order order_from(const csv_row& row, const batch_settings& settings) {
  license_order order;
  order.licensee = cell(row, "licensee");
  order.product = row.cells.count("product") ? cell(row, "product") : settings.default_product;
  order.id = cell(row, "id");
  order.not_before = cell(row, "not_before");
  order.expires = cell(row, "expires");
  order.updates_until = cell(row, "updates_until");
  order.features = list_cell(row, "features");
  order.limits = list_cell(row, "limits");
  order.meta = list_cell(row, "meta");
  order.request_path = cell(row, "request");
  if (!order.request_path.empty() && order.request_path[0] != '/')
    order.request_path = folder_of(settings.orders_path) + "/" + order.request_path;
  order.unbound = yes(cell(row, "unbound"));
  order.allow_container = yes(cell(row, "allow_container"));
  return order;
}

std::string output_name(const csv_row& row, const format::license& lic) {
  std::string name = cell(row, "file");
  if (name.empty()) return lic.id + ".toml";
  if (name.find('/') != std::string::npos || name[0] == '.')
    throw cli::failure(cli::exit_bad_input, "file '" + name + "' must be a plain file name");
  return name;
}

// Issues one row; returns the problem, or an empty string.
std::string issue_row(const csv_row& row, const batch_settings& settings, const keys::signing_key& key,
                      const std::string& key_id, const cli::batch_folder& folder) {
  if (!row.error.empty()) return row.error;
  try {
    const format::license lic = build_license(order_from(row, settings), key_id, settings.issued);
    return folder.write_new(output_name(row, lic), sign_license(lic, key), 0644);
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Two rows naming the same output file would race: which one got written
// would depend on thread timing. Decide before signing, in row order: the
// first row keeps the name and each later one is reported.
void refuse_duplicate_names(csv_table& table) {
  std::map<std::string, std::size_t> first_line;
  for (csv_row& row : table.rows) {
    if (!row.error.empty()) continue;
    std::string name = cell(row, "file");
    if (name.empty() && !cell(row, "id").empty()) name = cell(row, "id") + ".toml";
    if (name.empty()) continue;  // a random id: unique
    const auto [it, fresh] = first_line.emplace(name, row.line);
    if (!fresh) row.error = "output file '" + name + "' is already written by line " + std::to_string(it->second);
  }
}

void draw_progress(std::size_t done, std::size_t total) {
  const std::size_t width = 40, filled = total ? done * width / total : width;
  std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
               done, total);
}

// Runs issue_row over all rows on `jobs` threads; problems[i] is row i's.
std::vector<std::string> issue_all(const csv_table& table, const batch_settings& settings, const keys::signing_key& key,
                                   const cli::batch_folder& folder) {
  const std::string key_id = keys::key_id(key.public_key());
  std::vector<std::string> problems(table.rows.size());
  std::atomic<std::size_t> next{0}, done{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < table.rows.size(); i = next++) {
      problems[i] = issue_row(table.rows[i], settings, key, key_id, folder);
      ++done;
    }
  };
  // Never more threads than rows; a system that refuses more threads
  // gets the ones it gave (an exception here would leave threads unjoined).
  const std::size_t asked = settings.jobs ? settings.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t jobs = std::max<std::size_t>(1, std::min(asked, table.rows.size()));
  std::vector<std::thread> threads;
  try {
    for (std::size_t j = 0; j < jobs; ++j) threads.emplace_back(worker);
  } catch (const std::system_error&) {
    if (threads.empty()) worker();
  }
  const bool show = settings.progress && isatty(STDERR_FILENO);
  while (show && done < table.rows.size()) {
    draw_progress(done, table.rows.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : threads) t.join();
  if (show) draw_progress(done, table.rows.size()), std::fputc('\n', stderr);
  return problems;
}

}  // namespace

int issue_batch(const batch_settings& settings, const keys::signing_key& key) {
  const auto started = std::chrono::steady_clock::now();
  const std::string text = cli::read_file(settings.orders_path, std::size_t{1} << 30);
  csv_table table = parse_orders_csv(text, known_columns, {"licensee"});
  if (!table.error.empty()) throw cli::failure(cli::exit_bad_input, cli::about_file(settings.orders_path, table.error));
  refuse_duplicate_names(table);
  cli::make_private_dirs(settings.out_dir);
  const cli::batch_folder folder(settings.out_dir);
  const std::vector<std::string> problems = issue_all(table, settings, key, folder);
  folder.sync();

  std::size_t failed = 0;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (problems[i].empty()) continue;
    ++failed;
    cli::print_error("airlock", settings.orders_path + ":" + std::to_string(table.rows[i].line) + ": " + problems[i]);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::size_t issued = problems.size() - failed;
  std::fprintf(stderr, "airlock: issued %zu license(s) into %s, %zu row(s) failed, in %.2f s (%.0f licenses/s)\n",
               issued, settings.out_dir.c_str(), failed, seconds, seconds > 0 ? issued / seconds : 0.0);
  return failed ? cli::exit_partial : cli::exit_ok;
}

}  // namespace airlock::generator
