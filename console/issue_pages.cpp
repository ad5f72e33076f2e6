// SPDX-License-Identifier: MIT
// Issuing from an uploaded activation request: upload, preview of exactly what will be signed, and
// the signature through `airlock issue`'s own order checks and recorded write.
#include "airlock/format/envelope.hpp"
#include "airlock/format/request.hpp"
#include "cli/diagnostics.hpp"
#include "console/app.hpp"
#include "generator/license_builder.hpp"
#include "generator/recorded_write.hpp"

namespace airlock::console {
namespace {

// The fields of an order as the forms name them.
struct issue_form {
  std::string request_text, request_name, licensee, expires, updates_until, features;
  bool allow_container = false;
};

// The preview's form: the request's text as a field.
issue_form form_from_fields(const httplib::Request& req) {
  issue_form f;
  f.request_text = form_field(req, "request_text");
  f.request_name = form_field(req, "request_name");
  f.licensee = form_field(req, "licensee");
  f.expires = form_field(req, "expires");
  f.updates_until = form_field(req, "updates_until");
  f.features = form_field(req, "features");
  f.allow_container = !form_field(req, "allow_container").empty();
  return f;
}

// The first form: the request as an uploaded file, the rest as fields.
issue_form form_from_upload(const httplib::Request& req) {
  issue_form f = form_from_fields(req);
  const auto file = req.get_file_value("request");
  f.request_text = file.content;
  f.request_name = file.filename.empty() ? "the uploaded request" : file.filename;
  return f;
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text + " ") {
    if (c == ' ' || c == ',') {
      if (!word.empty()) out.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

// The request read and the order checked and built exactly as `airlock issue --request` does it.
// Throws cli::failure with the problem.
std::pair<format::request, format::license> order_of(const app& a, const issue_form& f) {
  if (f.request_text.empty()) throw cli::failure(cli::exit_bad_input, "choose an activation request file");
  if (f.request_text.size() > max_request_size)
    throw cli::failure(cli::exit_bad_input, f.request_name + ": too large for an activation request");
  auto parsed = format::parse_request(f.request_text);
  if (!parsed.ok())
    throw cli::failure(
        cli::exit_bad_input,
        cli::about_file(f.request_name, "line " + std::to_string(parsed.error.line) + ", column " +
                                            std::to_string(parsed.error.column) + ": " + parsed.error.message));
  if (parsed.value->replaces)
    throw cli::failure(cli::exit_bad_input,
                       cli::about_file(f.request_name, "is a re-host request for license " + *parsed.value->replaces +
                                                           ": re-host it (airlock rehost), which keeps the budget "
                                                           "and revokes the old license"));
  generator::license_order order;
  order.product = parsed.value->product;
  order.licensee = f.licensee;
  order.expires = f.expires;
  order.updates_until = f.updates_until;
  order.features = words(f.features);
  order.request_path = f.request_name;
  order.allow_container = f.allow_container;
  if (order.licensee.empty()) throw cli::failure(cli::exit_bad_input, "the licensee is empty");
  auto lic = generator::build_license(order, a.key_id, generator::current_time(), *parsed.value);
  return {std::move(*parsed.value), std::move(lic)};
}

std::string issue_form_body(const app& a, const std::string& csrf_token) {
  return "<p>Upload an activation request written by <code>airlock-hwid request</code> for this key (" +
         html_escape(a.key_id) +
         "). The product comes from the request. The next page shows what will be signed.</p>"
         "<form method=\"post\" action=\"/issue/preview\" enctype=\"multipart/form-data\">" +
         csrf_field(csrf_token) +
         "<p><label>Activation request <input type=\"file\" name=\"request\" required></label></p>"
         "<p><label>Licensee <input name=\"licensee\" required maxlength=\"128\"></label></p>"
         "<p><label>Expires (YYYY-MM-DD, empty: perpetual) <input name=\"expires\"></label></p>"
         "<p><label>Updates until (YYYY-MM-DD, empty: every build) <input name=\"updates_until\"></label></p>"
         "<p><label>Features (separated by spaces) <input name=\"features\"></label></p>"
         "<p><label><input type=\"checkbox\" name=\"allow_container\" value=\"yes\"> allow a request made in "
         "a container</label></p><p><button type=\"submit\">Preview</button></p></form>";
}

std::string preview_body(const issue_form& f, const format::request& req, const format::license& lic,
                         const std::string& csrf_token) {
  std::string body = "<h2>The request</h2><table>";
  const std::pair<const char*, std::string> fields[] = {
      {"file", f.request_name}, {"product", req.product},
      {"key id", req.key_id},   {"created", format::to_string(req.created)},
      {"tool", req.tool},       {"environment", std::string(format::to_string(req.environment))}};
  for (const auto& [name, value] : fields)
    body += std::string("<tr><th>") + name + "</th><td>" + html_escape(value) + "</td></tr>";
  body += "</table><table>" + header_row({"class", "hashes"});
  for (const auto c : format::all_component_classes)
    body += "<tr><td>" + html_escape(format::to_string(c)) + "</td><td class=\"hash\">" +
            html_escape(joined(req.machine[c], " ")) + "</td></tr>";
  body += "</table><h2>The license to sign</h2><table>";
  const std::pair<const char*, std::string> order[] = {{"licensee", lic.licensee},
                                                       {"product", lic.product},
                                                       {"not before", format::to_string(lic.not_before)},
                                                       {"expires", date_or(lic.expires, "perpetual")},
                                                       {"updates until", date_or(lic.updates_until, "every build")},
                                                       {"features", joined(lic.features, " ")},
                                                       {"machine policy", lic.machine.policy}};
  for (const auto& [name, value] : order)
    body += std::string("<tr><th>") + name + "</th><td>" + html_escape(value) + "</td></tr>";
  // Multipart, because a URL-encoded form over 8 KiB is refused by the HTTP library; LF line ends,
  // because an attribute cannot carry a CR (the browser sends CRLF, which the request reader takes).
  body += "</table><form method=\"post\" action=\"/issue\" enctype=\"multipart/form-data\">" + csrf_field(csrf_token) +
          hidden_field("request_text", format::normalize_line_endings(f.request_text)) +
          hidden_field("request_name", f.request_name) + hidden_field("licensee", f.licensee) +
          hidden_field("expires", f.expires) + hidden_field("updates_until", f.updates_until) +
          hidden_field("features", f.features) + (f.allow_container ? hidden_field("allow_container", "yes") : "") +
          "<p><button type=\"submit\">Sign and issue</button> <a href=\"/issue\">Start again</a></p></form>";
  return body;
}

// Signs and records the license through the recorded write of `airlock issue` (pending row, file,
// confirmation), then chains the operator's audit row. Returns the license id.
std::string issue(app& a, const issue_form& f, const std::string& operator_name) {
  auto [req, lic] = order_of(a, f);
  const std::string text = generator::sign_license(lic, a.key);
  const std::string out = a.out_dir + "/" + lic.id + ".toml";
  a.locked([&](ledger::ledger& book) {
    generator::write_recorded(&book, lic, text, out, cli::existing_file::keep, {}, {"issue", "", "", "", ""});
    book.record_audit(operator_name, "issue", lic.id, "");
  });
  return lic.id;
}

}  // namespace

void install_issue_pages(httplib::Server& server, app& a) {
  server.Get("/issue", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Issue a license", issue_form_body(a, w.session.csrf_token));
    });
  });
  server.Post("/issue/preview", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto form = form_from_upload(req);
      try {
        const auto [request, lic] = order_of(a, form);
        a.show(res, w, 200, "Preview", preview_body(form, request, lic, w.session.csrf_token));
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Not issued", e.what(), "/issue");
      }
    });
  });
  server.Post("/issue", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        see_other(res, "/license/" + issue(a, form_from_fields(req), w.session.operator_name));
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Not issued", e.what(), "/issue");
      }
    });
  });
}

}  // namespace airlock::console
