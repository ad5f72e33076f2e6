// SPDX-License-Identifier: MIT
// Issuing: a form for every field of `airlock issue`, an uploaded activation request (or an unbound
// license), a preview of exactly what will be signed, and the signature (orders.hpp).
#include "airlock/format/envelope.hpp"
#include "cli/diagnostics.hpp"
#include "console/orders.hpp"

namespace airlock::console {
namespace {

std::string text_input(const char* name, const char* label, const char* extra = "") {
  return std::string("<p><label>") + label + " <input name=\"" + name + "\"" + extra + "></label></p>";
}

std::string issue_form_body(const app& a, const std::string& csrf_token) {
  return "<p>Upload an activation request written by <code>airlock-hwid request</code> for this key (" +
         html_escape(a.key_id) +
         "): the product comes from the request. Or issue an unbound license, which runs on any machine. The "
         "next page shows what will be signed.</p>"
         "<form method=\"post\" action=\"/issue/preview\" enctype=\"multipart/form-data\">" +
         csrf_field(csrf_token) +
         "<fieldset><legend>Machine</legend>"
         "<p><label>Activation request <input type=\"file\" name=\"request\"></label></p>"
         "<p><label><input type=\"checkbox\" name=\"allow_container\" value=\"yes\"> allow a request made in "
         "a container</label></p>"
         "<p><label><input type=\"checkbox\" name=\"unbound\" value=\"yes\"> unbound: no request, any machine"
         "</label></p>" +
         text_input("product", "Product of an unbound license", " maxlength=\"128\"") +
         "</fieldset><fieldset><legend>License</legend>" +
         text_input("licensee", "Licensee", " required maxlength=\"128\"") +
         text_input("id", "License id (empty: 128 random bits)", " maxlength=\"64\"") +
         text_input("not_before", "Valid from (YYYY-MM-DD, empty: today)") +
         text_input("expires", "Expires (YYYY-MM-DD, empty: perpetual)") +
         text_input("updates_until", "Updates until (YYYY-MM-DD, empty: every build)") +
         text_input("features", "Features (separated by spaces)") +
         text_input("limits", "Limits (NAME=N, separated by spaces)") +
         "<p><label>Meta (one NAME=VALUE a line) <textarea name=\"meta\" rows=\"3\" cols=\"40\"></textarea>"
         "</label></p></fieldset><p><button type=\"submit\">Preview</button></p></form>";
}

std::string table_of(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string body = "<table>";
  for (const auto& [name, value] : fields)
    body += std::string("<tr><th>") + name + "</th><td>" + html_escape(value) + "</td></tr>";
  return body + "</table>";
}

std::string request_table(const order_fields& f, const format::request& req) {
  std::string body = table_of({{"file", f.request_name},
                               {"product", req.product},
                               {"key id", req.key_id},
                               {"created", format::to_string(req.created)},
                               {"tool", req.tool},
                               {"environment", std::string(format::to_string(req.environment))}});
  body += "<table>" + header_row({"class", "hashes"});
  for (const auto c : format::all_component_classes)
    body += "<tr><td>" + html_escape(format::to_string(c)) + "</td><td class=\"hash\">" +
            html_escape(joined(req.machine[c], " ")) + "</td></tr>";
  return body + "</table>";
}

std::string license_table(const format::license& lic) {
  std::string limits, meta;
  for (const auto& l : lic.limits) limits += (limits.empty() ? "" : " ") + l.name + "=" + std::to_string(l.value);
  for (const auto& m : lic.meta) meta += (meta.empty() ? "" : "; ") + m.name + "=" + m.value;
  return table_of({{"license id", lic.id},
                   {"licensee", lic.licensee},
                   {"product", lic.product},
                   {"not before", format::to_string(lic.not_before)},
                   {"expires", date_or(lic.expires, "perpetual")},
                   {"updates until", date_or(lic.updates_until, "every build")},
                   {"features", joined(lic.features, " ")},
                   {"limits", limits},
                   {"meta", meta},
                   {"machine", lic.machine.unbound ? "unbound" : lic.machine.policy}});
}

// The sign step repeats the order with the id shown here, so what is signed is what was previewed.
std::string preview_body(const order_fields& f, const std::optional<format::request>& req, const format::license& lic,
                         const std::string& csrf_token) {
  std::string body = req ? "<h2>The request</h2>" + request_table(f, *req) : std::string();
  body += "<h2>The license to sign</h2>" + license_table(lic);
  // Multipart, because a URL-encoded form over 8 KiB is refused by the HTTP library; LF line ends,
  // because an attribute cannot carry a CR (the browser sends CRLF, which the request reader takes).
  body += "<form method=\"post\" action=\"/issue\" enctype=\"multipart/form-data\">" + csrf_field(csrf_token) +
          hidden_field("request_text", format::normalize_line_endings(f.request_text)) +
          hidden_field("request_name", f.request_name) + (f.unbound ? hidden_field("unbound", "yes") : "") +
          hidden_field("product", f.product) + hidden_field("licensee", f.licensee) + hidden_field("id", lic.id) +
          hidden_field("not_before", f.not_before) + hidden_field("expires", f.expires) +
          hidden_field("updates_until", f.updates_until) + hidden_field("features", f.features) +
          hidden_field("limits", f.limits) + hidden_field("meta", f.meta) +
          (f.allow_container ? hidden_field("allow_container", "yes") : "") +
          "<p><button type=\"submit\">Sign and issue</button> <a href=\"/issue\">Start again</a></p></form>";
  return body;
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
      const order_fields form = order_from(req);
      try {
        const auto [request, lic] = build_order(a, form);
        a.show(res, w, 200, "Preview", preview_body(form, request, lic, w.session.csrf_token));
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Not issued", e.what(), "/issue");
      }
    });
  });
  server.Post("/issue", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        see_other(res, "/license/" + issue_order(a, order_from(req), w.session.operator_name));
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Not issued", e.what(), "/issue");
      }
    });
  });
}

}  // namespace airlock::console
