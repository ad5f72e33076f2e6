// SPDX-License-Identifier: MIT
// Batch issue in the browser: an orders CSV (the file `airlock issue --batch` reads, parsed by its own
// reader, generator/orders_csv.hpp, and turned into orders by its own row rule), a preview of every
// row (ok, or its error by line), signing of every good row, and a zip of the licenses just issued.
//
// A row's `request` cell is a path on the vendor's disk for `airlock issue --batch`. The console never
// opens a path from an upload: a row is either unbound, or its request was uploaded with the CSV and
// the cell's file name (the part after the last '/') names that upload. The `file` column is not used:
// the console writes every license as <id>.toml into --out-dir, and the zip holds the same names.
#include <zip.h>

#include <map>
#include <set>

#include "airlock/format/envelope.hpp"
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"
#include "generator/batch_issue.hpp"
#include "generator/license_builder.hpp"
#include "generator/orders_csv.hpp"

namespace airlock::console {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

constexpr std::size_t max_zip_licenses = 10000;

// What the form uploaded, or what the preview's form carries on to the sign step (the same fields).
struct batch_upload {
  std::string orders_text, orders_name, default_product;
  std::map<std::string, std::string> requests;  // uploaded file name -> text
};

batch_upload upload_of(const httplib::Request& req) {
  batch_upload u;
  u.orders_text = form_field(req, "orders_text");
  u.orders_name = form_field(req, "orders_name");
  if (req.has_file("orders") && !req.get_file_value("orders").filename.empty()) {
    const auto file = req.get_file_value("orders");
    u.orders_text = file.content;
    u.orders_name = file.filename;
  }
  if (u.orders_name.empty()) u.orders_name = "the orders file";
  u.default_product = form_field(req, "product");
  // Uploaded files (several in one input), then the names and texts the preview carried on, in order.
  for (auto [it, end] = req.files.equal_range("requests"); it != end; ++it)
    if (!it->second.filename.empty()) u.requests[it->second.filename] = it->second.content;
  const auto names = req.files.equal_range("request_name");
  const auto texts = req.files.equal_range("request_text");
  for (auto n = names.first, t = texts.first; n != names.second && t != texts.second; ++n, ++t)
    u.requests[n->second.content] = t->second.content;
  return u;
}

// One row of the orders file as the preview and the sign step see it.
struct row_result {
  std::size_t line = 0;
  std::string licensee, product, id;
  std::optional<format::license> lic;  // built and checked: ready to sign
  std::string problem;                 // or why not
};

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

format::license build_row(const app& a, const batch_upload& u, const generator::csv_row& row, format::utc_time now) {
  generator::license_order order = generator::order_of_row(row, u.default_product);
  const std::string request_cell = generator::cell(row, "request");
  if (request_cell.empty()) return generator::build_license(order, a.key_id, now);
  if (order.unbound) bad_input("give a request or unbound, not both");
  const std::string name = base_name(request_cell);
  const auto found = u.requests.find(name);
  if (found == u.requests.end())
    bad_input("request '" + generator::excerpt(request_cell, 64) +
              "' was not uploaded with the orders file (the console reads no path on its disk: choose the request "
              "files together with the CSV)");
  if (found->second.size() > max_request_size) bad_input(cli::about_file(name, "too large for an activation request"));
  auto parsed = format::parse_request(found->second);
  if (!parsed.ok())
    bad_input(cli::about_file(name, "line " + std::to_string(parsed.error.line) + ", column " +
                                        std::to_string(parsed.error.column) + ": " + parsed.error.message));
  if (parsed.value->replaces)
    bad_input(cli::about_file(
        name, "is a re-host request for license " + *parsed.value->replaces + ": re-host it on the Re-host page"));
  order.request_path = name;
  return generator::build_license(order, a.key_id, now, *parsed.value);
}

std::vector<row_result> rows_of(app& a, const batch_upload& u) {
  if (u.orders_text.empty()) bad_input("choose an orders file (CSV, as airlock issue --batch reads it)");
  const auto table = generator::parse_orders_csv(u.orders_text, generator::order_columns, {"licensee"});
  if (!table.error.empty()) bad_input(cli::about_file(u.orders_name, table.error));
  const auto now = generator::current_time();
  std::vector<row_result> out;
  std::map<std::string, std::size_t> id_line;  // ids given in the file: a second row may not repeat one
  for (const auto& row : table.rows) {
    row_result r;
    r.line = row.line;
    r.licensee = generator::cell(row, "licensee");
    r.product = row.cells.count("product") ? generator::cell(row, "product") : u.default_product;
    r.id = generator::cell(row, "id");
    r.problem = row.error;
    if (r.problem.empty()) {
      try {
        r.lic = build_row(a, u, row, now);
        r.product = r.lic->product;
        if (!r.id.empty()) {
          const auto [it, fresh] = id_line.emplace(r.id, r.line);
          if (!fresh) bad_input("license id " + r.id + " is already on line " + std::to_string(it->second));
          if (a.find(r.id)) bad_input("license id " + r.id + " is already in the ledger");
        }
      } catch (const std::exception& e) {
        r.lic.reset();
        r.problem = e.what();
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string upload_fields(const batch_upload& u) {
  std::string out = hidden_field("orders_text", format::normalize_line_endings(u.orders_text)) +
                    hidden_field("orders_name", u.orders_name) + hidden_field("product", u.default_product);
  for (const auto& [name, text] : u.requests)
    out += hidden_field("request_name", name) + hidden_field("request_text", format::normalize_line_endings(text));
  return out;
}

std::string batch_form_body(const std::string& csrf_token) {
  return "<p>Upload an orders file: CSV with a header row, the columns of <code>airlock issue --batch</code> "
         "(licensee, product, id, not_before, expires, updates_until, features, limits, meta, request, unbound, "
         "allow_container; lists separated by <code>;</code>). A bound row's request file is uploaded here with "
         "it, several at once, and named in the request column by its file name: the console opens no path. "
         "Licenses are named &lt;id&gt;.toml (the file column is not used). The next page shows every row before "
         "anything is signed.</p>"
         "<form method=\"post\" action=\"/batch/preview\" enctype=\"multipart/form-data\">" +
         csrf_field(csrf_token) +
         "<p><label>Orders (CSV) <input type=\"file\" name=\"orders\" required></label></p>"
         "<p><label>Activation requests <input type=\"file\" name=\"requests\" multiple></label></p>"
         "<p><label>Product of rows without a product column <input name=\"product\" maxlength=\"128\"></label></p>"
         "<p><button type=\"submit\">Preview</button></p></form>";
}

std::string preview_body(const batch_upload& u, const std::vector<row_result>& rows, const std::string& csrf_token) {
  std::size_t good = 0;
  std::string table = "<table>" + header_row({"line", "licensee", "product", "id", "result"});
  for (const auto& r : rows) {
    good += r.lic ? 1 : 0;
    table += row({std::to_string(r.line), html_escape(r.licensee), html_escape(r.product),
                  r.id.empty() ? std::string("(random)") : html_escape(r.id),
                  r.lic ? std::string("ok") : "<span class=\"error\">" + html_escape(r.problem) + "</span>"});
  }
  std::string body = "<p>" + html_escape(u.orders_name) + ": " + std::to_string(rows.size()) + " rows, " +
                     std::to_string(good) + " ready to sign, " + std::to_string(rows.size() - good) +
                     " with a problem.</p>" + table + "</table>";
  if (good == 0) return body + "<p><a href=\"/batch\">Start again</a></p>";
  return body + "<form method=\"post\" action=\"/batch\" enctype=\"multipart/form-data\">" + csrf_field(csrf_token) +
         upload_fields(u) + "<p><button type=\"submit\">Sign " + std::to_string(good) +
         " licenses</button> <a href=\"/batch\">Start again</a></p></form>";
}

std::string sign_all(app& a, const batch_upload& u, const std::string& actor, const std::string& csrf_token) {
  std::vector<row_result> rows = rows_of(a, u);
  std::vector<std::string> issued;
  for (auto& r : rows) {
    if (!r.lic) continue;
    try {
      record_signed(a, *r.lic, {"issue", "", "", "", ""}, actor, "issue",
                    "batch " + generator::excerpt(u.orders_name, 64) + " line " + std::to_string(r.line));
      issued.push_back(r.lic->id);
    } catch (const std::exception& e) {
      r.problem = e.what();
      r.lic.reset();
    }
  }
  std::string table = "<table>" + header_row({"line", "licensee", "license"});
  for (const auto& r : rows)
    table += row({std::to_string(r.line), html_escape(r.licensee),
                  r.lic ? license_link(r.lic->id) : "<span class=\"error\">" + html_escape(r.problem) + "</span>"});
  std::string body = "<p>Issued " + std::to_string(issued.size()) + " of " + std::to_string(rows.size()) +
                     " rows into the console's folder.</p>" + table + "</table>";
  if (!issued.empty())
    body += "<form method=\"post\" action=\"/batch/zip\">" + csrf_field(csrf_token) +
            hidden_field("ids", joined(issued, " ")) +
            "<p><button type=\"submit\">Download the licenses (zip)</button></p></form>";
  return body;
}

// The zip of `files` (name, bytes), built in memory by libzip.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = buffer ? zip_open_from_source(buffer, ZIP_TRUNCATE, &error) : nullptr;
  const auto fail = [&](const std::string& what) {
    const std::string message = what + ": " + zip_error_strerror(&error);
    zip_error_fini(&error);
    if (archive) zip_discard(archive);
    if (buffer) zip_source_free(buffer);
    throw std::runtime_error(message);
  };
  if (!archive) fail("cannot start a zip");
  zip_source_keep(buffer);  // it outlives the archive: the bytes are read from it after zip_close
  for (const auto& [name, text] : files) {
    zip_source_t* s = zip_source_buffer(archive, text.data(), text.size(), 0);
    if (!s || zip_file_add(archive, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s) zip_source_free(s);
      zip_error_set(&error, zip_error_code_zip(zip_get_error(archive)), 0);
      fail("cannot add " + name + " to the zip");
    }
  }
  if (zip_close(archive) < 0) {
    zip_error_set(&error, zip_error_code_zip(zip_get_error(archive)), 0);
    fail("cannot write the zip");
  }
  archive = nullptr;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_source_stat(buffer, &st) < 0 || zip_source_open(buffer) < 0) fail("cannot read the zip");
  std::string out(static_cast<std::size_t>(st.size), '\0');
  const zip_int64_t n = zip_source_read(buffer, out.data(), st.size);
  zip_source_close(buffer);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) fail("cannot read the zip");
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

// The ledger's copies of the files (each checked against its recorded SHA-256), never the disk's.
std::optional<std::string> licenses_zip(app& a, const std::string& ids_text) {
  std::vector<std::pair<std::string, std::string>> files;
  std::set<std::string> seen;
  std::string id;
  for (const char c : ids_text + " ") {
    if (c != ' ') {
      id += c;
      continue;
    }
    const std::string next = std::move(id);
    id.clear();
    if (next.empty() || !seen.insert(next).second) continue;
    const auto e = a.find(next);
    if (!e || e->license_text.empty() || ledger::sha256_hex(e->license_text) != e->file_sha256) return std::nullopt;
    files.emplace_back(e->license_id + ".toml", e->license_text);
    if (files.size() > max_zip_licenses) return std::nullopt;
  }
  if (files.empty()) return std::nullopt;
  return zip_of(files);
}

}  // namespace

void install_batch_pages(httplib::Server& server, app& a) {
  server.Get("/batch", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Batch issue", batch_form_body(w.session.csrf_token));
    });
  });
  server.Post("/batch/preview", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        const batch_upload u = upload_of(req);
        a.show(res, w, 200, "Batch preview", preview_body(u, rows_of(a, u), w.session.csrf_token));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not issued", problem.what(), "/batch");
      }
    });
  });
  server.Post("/batch", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        a.show(res, w, 200, "Batch issued", sign_all(a, upload_of(req), w.session.operator_name, w.session.csrf_token));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not issued", problem.what(), "/batch");
      }
    });
  });
  server.Post("/batch/zip", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto zip = licenses_zip(a, form_field(req, "ids"));
      if (!zip) return a.not_found(res, w);
      res.set_header("Content-Disposition", "attachment; filename=\"licenses.zip\"");
      res.set_content(*zip, "application/zip");
    });
  });
}

}  // namespace airlock::console
