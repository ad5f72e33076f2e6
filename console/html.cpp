// SPDX-License-Identifier: MIT
#include "console/html.hpp"

namespace airlock::console {

std::string csrf_field(std::string_view csrf_token) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf_token) + "\">";
}

std::string hidden_field(const char* name, const std::string& value) {
  return std::string("<input type=\"hidden\" name=\"") + name + "\" value=\"" + html_escape(value) + "\">";
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>";
}

std::string header_row(std::initializer_list<const char*> cells) {
  std::string out = "<tr>";
  for (const char* c : cells) out += std::string("<th>") + c + "</th>";
  return out + "</tr>";
}

std::string license_link(const std::string& id) {
  return "<a href=\"/license/" + html_escape(id) + "\">" + html_escape(id) + "</a>";
}

std::string date_or(const std::optional<format::date>& d, const char* otherwise) {
  return d ? format::to_string(*d) : otherwise;
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

std::string page(std::string_view title, std::string_view operator_name, std::string_view csrf_token,
                 const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      html_escape(title) +
      " · Airlock console</title>"
      "<link rel=\"stylesheet\" href=\"/static/console.css\">"
      "<script src=\"/static/console.js\" defer></script></head><body>";
  if (!operator_name.empty()) {
    out +=
        "<header><nav><a href=\"/\">Dashboard</a> <a href=\"/licenses\">Licenses</a> "
        "<a href=\"/issue\">Issue</a> <a href=\"/batch\">Batch</a> <a href=\"/rehost\">Re-host</a> "
        "<a href=\"/revocations\">Revocations</a> <a href=\"/customers\">Customers</a> "
        "<a href=\"/requests\">Requests</a> <a href=\"/audit\">Audit</a></nav><form method=\"post\" "
        "action=\"/logout\" "
        "class=\"logout\">" +
        csrf_field(csrf_token) + "<span>" + html_escape(operator_name) +
        "</span> <button type=\"submit\">Log out</button></form></header>";
  }
  out += "<main><h1>" + html_escape(title) + "</h1>" + body + "</main></body></html>\n";
  return out;
}

std::string portal_page(std::string_view title, std::string_view customer_name, std::string_view csrf_token,
                        const std::string& body) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      html_escape(title) +
      " · Airlock customer portal</title>"
      "<link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>";
  if (!customer_name.empty()) {
    out +=
        "<header><nav><a href=\"/portal\">Your licenses</a> <a href=\"/portal/upload\">Upload a request</a></nav>"
        "<form method=\"post\" action=\"/portal/logout\" class=\"logout\">" +
        csrf_field(csrf_token) + "<span>" + html_escape(customer_name) +
        "</span> <button type=\"submit\">Log out</button></form></header>";
  }
  out += "<main><h1>" + html_escape(title) + "</h1>" + body + "</main></body></html>\n";
  return out;
}

const char stylesheet[] = R"css(body { font-family: sans-serif; margin: 0; color: #222; background: #fafafa; }
header { display: flex; justify-content: space-between; align-items: center; padding: 0.5em 1em;
  background: #234; color: #fff; }
header a { color: #fff; margin-right: 1em; }
main { padding: 1em 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.hash { font-family: monospace; }
.error { color: #a00; font-weight: bold; }
.notice { color: #060; }
form.inline { display: inline; }
form.search input { margin-right: 0.5em; }
.logout span { margin-right: 0.5em; }
)css";

// Asks before a revocation: the only behaviour that needs script; the page works without it.
const char script[] = R"js('use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
});
)js";

}  // namespace airlock::console
