// SPDX-License-Identifier: MIT
// The pages that read the ledger: the dashboard, the license list, one license with its history and
// download, revocation, and the audit log.
#include <algorithm>
#include <map>
#include <set>

#include "cli/diagnostics.hpp"
#include "console/actions.hpp"

namespace airlock::console {
namespace {

using ledger::entry;

std::string audit_table(const std::vector<ledger::audit_event>& events) {
  std::string body = "<table>" + header_row({"row", "when", "operator", "action", "license", "detail"});
  for (const auto& a : events)
    body += row({std::to_string(a.row), format::to_string(a.at), html_escape(a.operator_name), html_escape(a.action),
                 a.license_id.empty() ? std::string() : license_link(a.license_id), html_escape(a.detail)});
  return body + "</table>";
}

// Active licenses within `days`, counted by the ledger; the same filter the list page links to.
ledger::search_filter active_expiring_within(std::int64_t days, const format::date& day) {
  ledger::search_filter f;
  f.state = "active";
  f.as_of = day;
  f.expiring_before = add_days(day, days + 1);
  return f;
}

std::string list_link(const httplib::Params& params, const std::string& label) {
  return "<a href=\"" + html_escape(httplib::append_query_params("/licenses", params)) + "\">" + label + "</a>";
}

std::string dashboard_body(app& a) {
  const auto day = today();
  const auto counts = a.locked([&](ledger::ledger& book) { return book.state_counts(day); });
  std::int64_t total = 0;
  std::string body = "<h2>Licenses by product and state</h2><table><tr><th>product</th>";
  for (const char* s : ledger::license_states) body += std::string("<th>") + s + "</th>";
  body += "</tr>";
  for (const auto& [product, by_state] : counts) {
    body += "<tr><td>" + list_link({{"product", product}}, html_escape(product)) + "</td>";
    for (std::size_t i = 0; i < by_state.size(); ++i) {
      total += by_state[i];
      body += "<td>" +
              list_link({{"product", product}, {"state", ledger::license_states[i]}}, std::to_string(by_state[i])) +
              "</td>";
    }
    body += "</tr>";
  }
  body = "<p>Signing key " + html_escape(a.key_id) + ", " + std::to_string(total) + " licenses in the ledger.</p>" +
         body + "</table><h2>Expiring</h2><table>" + header_row({"within", "active licenses", "maintenance ending"});
  for (const std::int64_t days : {30, 60, 90}) {
    auto expiring = active_expiring_within(days, day);
    auto maintenance = active_expiring_within(days, day);
    maintenance.expiring_before.reset();
    maintenance.updates_ending_before = add_days(day, days + 1);
    const auto [n, m] = a.locked([&](ledger::ledger& book) {
      return std::make_pair(book.search(expiring, {}, 0, 1).total, book.search(maintenance, {}, 0, 1).total);
    });
    const std::string before = format::to_string(add_days(day, days + 1));
    body += row({std::to_string(days) + " days",
                 list_link({{"state", "active"}, {"expiring_before", before}}, std::to_string(n)), std::to_string(m)});
  }
  body += "</table>";
  const auto soon = a.locked([&](ledger::ledger& book) {
    return book.search(active_expiring_within(30, day), {ledger::search_order::key::expires, false}, 0, 20);
  });
  if (soon.total > 0) {
    body += "<h2>Expiring within 30 days</h2><table>" + header_row({"license", "product", "licensee", "expires"});
    for (const entry& e : soon.entries)
      body += row(
          {license_link(e.license_id), html_escape(e.product), html_escape(e.licensee), format::to_string(*e.expires)});
    body += "</table>";
  }
  const auto recent = a.locked([](ledger::ledger& book) { return book.audit_log(10); });
  body +=
      "<h2>Recent operator activity</h2>" + audit_table(recent) + "<p><a href=\"/audit\">The whole audit log</a></p>";
  return body;
}

// The list's query: the filter, the order and the page, as the URL carries them.
struct list_query {
  ledger::search_filter filter;
  std::string sort = "recorded", dir = "desc";
  std::size_t page = 1;
  httplib::Params params;  // the non-empty filter fields, for links that keep them
};

const std::pair<const char*, ledger::search_order::key> sort_keys[] = {
    {"recorded", ledger::search_order::key::recorded},
    {"issued", ledger::search_order::key::issued},
    {"expires", ledger::search_order::key::expires},
    {"licensee", ledger::search_order::key::licensee},
    {"product", ledger::search_order::key::product}};

// Unknown values fall back to the defaults; a date that is not one is a usage error.
list_query query_of(const httplib::Request& req) {
  list_query q;
  const auto text = [&](const char* name) {
    std::string v = req.get_param_value(name);
    if (!v.empty()) q.params.emplace(name, v);
    return v;
  };
  q.filter.licensee = text("licensee");
  q.filter.product = text("product");
  q.filter.feature = text("feature");
  q.filter.machine = text("machine");
  const std::string state = text("state");
  for (const char* s : ledger::license_states)
    if (state == s) q.filter.state = s;
  const std::string before = text("expiring_before");
  if (!before.empty()) {
    q.filter.expiring_before = format::parse_date(before);
    if (!q.filter.expiring_before) throw cli::failure(cli::exit_usage, "'" + before + "' is not a date (YYYY-MM-DD)");
  }
  const std::string sort = req.get_param_value("sort");
  for (const auto& [name, key] : sort_keys)
    if (sort == name) q.sort = name;
  if (req.get_param_value("dir") == "asc") q.dir = "asc";
  const std::string page_text = req.get_param_value("page");
  if (!page_text.empty() && page_text.size() < 7 && page_text.find_first_not_of("0123456789") == std::string::npos)
    q.page = std::max<std::size_t>(1, std::stoul(page_text));
  return q;
}

ledger::search_order order_of(const list_query& q) {
  ledger::search_order o;
  for (const auto& [name, key] : sort_keys)
    if (q.sort == name) o.by = key;
  o.descending = q.dir == "desc";
  return o;
}

std::string search_form(const list_query& q) {
  const auto field = [](const char* name, const char* label, const std::string& value, const char* type) {
    return std::string("<label>") + label + " <input name=\"" + name + "\" type=\"" + type + "\" value=\"" +
           html_escape(value) + "\"></label>";
  };
  std::string states = "<label>State <select name=\"state\"><option value=\"\">any</option>";
  for (const char* s : ledger::license_states)
    states += std::string("<option") + (q.filter.state == s ? " selected" : "") + ">" + s + "</option>";
  states += "</select></label>";
  const auto& f = q.filter;
  return "<form class=\"search\" method=\"get\" action=\"/licenses\">" +
         field("licensee", "Licensee", f.licensee, "text") + field("product", "Product", f.product, "text") +
         field("feature", "Feature", f.feature, "text") + field("machine", "Machine hash", f.machine, "text") + states +
         field("expiring_before", "Expiring before", f.expiring_before ? format::to_string(*f.expiring_before) : "",
               "date") +
         hidden_field("sort", q.sort) + hidden_field("dir", q.dir) + "<button type=\"submit\">Search</button></form>";
}

// A column header that sorts by it; a second click turns the direction.
std::string sort_header(const list_query& q, const char* key, const char* label) {
  httplib::Params p = q.params;
  const bool current = q.sort == key;
  p.emplace("sort", key);
  p.emplace("dir", current && q.dir == "asc" ? "desc" : "asc");
  const char* arrow = !current ? "" : q.dir == "asc" ? " &#9650;" : " &#9660;";
  return "<th>" + list_link(p, std::string(label) + arrow) + "</th>";
}

std::string licenses_body(app& a, const httplib::Request& req) {
  list_query q = query_of(req);
  const auto day = today();
  const std::size_t per_page = licenses_per_page;
  const auto page_of = [&](std::size_t n) {
    return a.locked(
        [&](ledger::ledger& book) { return book.search(q.filter, order_of(q), (n - 1) * per_page, per_page); });
  };
  auto found = page_of(q.page);
  const std::size_t pages = std::max<std::size_t>(1, (static_cast<std::size_t>(found.total) + per_page - 1) / per_page);
  if (q.page > pages) found = page_of(q.page = pages);  // past the end: the last page
  std::string body = search_form(q);
  body += "<p>" + std::to_string(found.total) + " licenses, page " + std::to_string(q.page) + " of " +
          std::to_string(pages) + ".</p><table><tr><th>license</th>" + sort_header(q, "product", "product") +
          sort_header(q, "licensee", "licensee") + sort_header(q, "issued", "issued") +
          sort_header(q, "expires", "expires") + "<th>state</th></tr>";
  for (const entry& e : found.entries)
    body += row({license_link(e.license_id), html_escape(e.product), html_escape(e.licensee),
                 format::to_string(e.issued), date_or(e.expires, "perpetual"), ledger::state_of(e, day)});
  body += "</table>";
  const auto link_to = [&](std::size_t n, const char* label) {
    httplib::Params p = q.params;
    p.emplace("sort", q.sort);
    p.emplace("dir", q.dir);
    p.emplace("page", std::to_string(n));
    return list_link(p, label) + " ";
  };
  body += "<p>";
  if (q.page > 1) body += link_to(q.page - 1, "previous page");
  if (q.page < pages) body += link_to(q.page + 1, "next page");
  return body + "</p>";
}

// The license's generations, oldest first: back along supersedes, then forward along successors.
std::vector<entry> history_of(app& a, const entry& e) {
  return a.locked([&](ledger::ledger& book) {
    std::vector<entry> back;
    std::set<std::string> seen{e.license_id};
    for (auto p = e.supersedes.empty() ? std::nullopt : book.find(e.supersedes); p && seen.insert(p->license_id).second;
         p = p->supersedes.empty() ? std::nullopt : book.find(p->supersedes))
      back.push_back(*p);
    std::reverse(back.begin(), back.end());
    back.push_back(e);
    for (auto next = book.successors_of(e.license_id); !next.empty() && seen.insert(next.front().license_id).second;
         next = book.successors_of(back.back().license_id))
      back.push_back(next.front());
    return back;
  });
}

std::string fields_table(const entry& e) {
  std::vector<std::pair<std::string, std::string>> fields = {{"license", html_escape(e.license_id)},
                                                             {"product", html_escape(e.product)},
                                                             {"licensee", html_escape(e.licensee)},
                                                             {"key id", html_escape(e.key_id)},
                                                             {"issued", format::to_string(e.issued)},
                                                             {"not before", format::to_string(e.not_before)},
                                                             {"expires", date_or(e.expires, "perpetual")},
                                                             {"updates until", date_or(e.updates_until, "every build")},
                                                             {"features", html_escape(joined(e.features, " "))}};
  std::string limits;
  for (const auto& l : e.limits) limits += (limits.empty() ? "" : " ") + l.name + "=" + std::to_string(l.value);
  fields.push_back({"limits", html_escape(limits)});
  for (const auto& m : e.meta) fields.push_back({"meta " + html_escape(m.name), html_escape(m.value)});
  fields.push_back({"machine", e.machine_policy.empty() ? "unbound" : html_escape(e.machine_policy)});
  fields.push_back({"operation", html_escape(e.operation)});
  if (!e.supersedes.empty()) fields.push_back({"supersedes", license_link(e.supersedes)});
  if (!e.note.empty()) fields.push_back({"note", html_escape(e.note)});
  fields.push_back({"file", html_escape(e.file_path)});
  fields.push_back({"file sha256", html_escape(e.file_sha256)});
  fields.push_back({"recorded", format::to_string(e.recorded_at) + " by " + html_escape(e.issued_by) + ", row " +
                                    std::to_string(e.row)});
  if (e.revoked) fields.push_back({"revoked", format::to_string(e.revoked_at) + ": " + html_escape(e.revoke_reason)});
  if (e.forgotten) fields.push_back({"forgotten", "personal fields erased"});
  std::string body = "<table>";
  for (const auto& [name, value] : fields) body += "<tr><th>" + name + "</th><td>" + value + "</td></tr>";
  return body + "</table>";
}

std::string hashes_table(const entry& e) {
  if (e.machine_policy.empty()) return "<p>Unbound: no machine.</p>";
  std::string body = "<table>" + header_row({"class", "hashes"});
  for (const auto c : format::all_component_classes)
    if (!e.machine[c].empty())
      body += "<tr><td>" + html_escape(format::to_string(c)) + "</td><td class=\"hash\">" +
              html_escape(joined(e.machine[c], " ")) + "</td></tr>";
  if (!e.machine.evidence_only.empty())
    body += "<tr><td>evidence only</td><td class=\"hash\">" + html_escape(joined(e.machine.evidence_only, " ")) +
            "</td></tr>";
  return body + "</table>";
}

// What can still be done with a license that is neither revoked nor replaced: renew it here, or
// re-host it from the customer's request (lifecycle_pages.cpp).
std::string lifecycle_forms(const entry& e, const std::string& csrf_token) {
  const auto input = [](const char* name, const char* label) {
    return std::string("<p><label>") + label + " <input name=\"" + name + "\"></label></p>";
  };
  std::string body =
      "<h2>Renew</h2><p>Issues the successor: a new id naming this one in supersedes, the same "
      "licensee, product and machine; empty fields keep what this license has.</p>"
      "<form method=\"post\" action=\"/license/" +
      html_escape(e.license_id) + "/renew\">" + csrf_field(csrf_token) + input("expires", "New expiry (YYYY-MM-DD)") +
      input("updates_until", "Updates until (YYYY-MM-DD)") +
      input("features", "Feature changes (+NAME adds, -NAME removes, separated by spaces)") +
      input("limits", "Limits (NAME=N, separated by spaces)") + "<p><button type=\"submit\">Renew</button></p></form>";
  if (!e.machine_policy.empty())
    body += "<h2>Re-host</h2><p>For a new machine: the customer runs <code>airlock-hwid request --rehost " +
            html_escape(e.license_id) +
            ".toml</code> there; upload that request on the <a href=\"/rehost\">Re-host "
            "page</a>.</p>";
  return body;
}

std::string license_body(app& a, const entry& e, const std::string& csrf_token) {
  std::string state = ledger::state_of(e, today());
  if (!e.superseded_by.empty()) state += "; replaced by " + license_link(e.superseded_by);
  std::string body =
      "<p class=\"state\">State: " + state + "</p>" + fields_table(e) + "<h2>Machine hashes</h2>" + hashes_table(e);
  body += "<h2>History</h2><table>" + header_row({"license", "operation", "issued", "expires", "revoked"});
  for (const auto& g : history_of(a, e)) {
    const std::string id = g.license_id == e.license_id ? "<strong>" + html_escape(g.license_id) + "</strong>"
                                                        : license_link(g.license_id);
    body += row({id, html_escape(g.operation), format::to_string(g.issued), date_or(g.expires, "perpetual"),
                 g.revoked ? "yes" : "no"});
  }
  body += "</table>";
  if (!e.license_text.empty())
    body += "<p><a href=\"/license/" + html_escape(e.license_id) + "/download\">Download the license file</a></p>";
  if (!e.revoked && e.superseded_by.empty() && !e.license_text.empty()) body += lifecycle_forms(e, csrf_token);
  if (!e.revoked)
    body += "<h2>Revoke</h2><form method=\"post\" action=\"/license/" + html_escape(e.license_id) +
            "/revoke\" data-confirm=\"Revoke this license?\">" + csrf_field(csrf_token) +
            "<p><label>Reason (no personal data) <input name=\"reason\" maxlength=\"200\" required></label> "
            "<button type=\"submit\">Revoke</button></p></form>";
  return body;
}

}  // namespace

void install_license_pages(httplib::Server& server, app& a) {
  server.Get("/", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) { a.show(res, w, 200, "Dashboard", dashboard_body(a)); });
  });
  server.Get("/licenses", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        a.show(res, w, 200, "Licenses", licenses_body(a, req));
      } catch (const cli::failure& e) {
        a.show_error(res, w, 400, "Licenses", e.what(), "/licenses");
      }
    });
  });
  server.Get("/audit", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto events = a.locked([](ledger::ledger& book) { return book.audit_log(200); });
      a.show(res, w, 200, "Audit log",
             "<p>The latest 200 operator actions, each a row of the ledger's hash chain.</p>" + audit_table(events));
    });
  });
  server.Get(R"(/license/([^/]+))", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto e = a.find(req.matches[1]);
      if (!e) return a.not_found(res, w);
      a.show(res, w, 200, "License " + e->license_id, license_body(a, *e, w.session.csrf_token));
    });
  });
  // The file comes from the ledger's copy of it (checked against the recorded SHA-256), never from
  // a path: a request names a license id, and nothing on disk is opened.
  server.Get(R"(/license/([^/]+)/download)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto e = a.find(req.matches[1]);
      if (!e || e->license_text.empty() || ledger::sha256_hex(e->license_text) != e->file_sha256)
        return a.not_found(res, w);
      res.set_header("Content-Disposition", "attachment; filename=\"" + e->license_id + ".toml\"");
      res.set_content(e->license_text, "application/toml");
    });
  });
  server.Post(R"(/license/([^/]+)/revoke)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto e = a.find(req.matches[1]);
      if (!e) return a.not_found(res, w);
      try {
        (void)revoke_license(a, e->license_id, form_field(req, "reason"), w.session.operator_name);
        see_other(res, "/license/" + e->license_id);
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not revoked", problem.what(), "/license/" + e->license_id);
      }
    });
  });
}

}  // namespace airlock::console
