// SPDX-License-Identifier: MIT
// A license's life after its first issue, in the browser: renew it (the form is on its page), re-host
// it to a new machine (upload, preview of the per-class difference and the budget, sign), and sign a
// product's revocation list for download. Every rule is generator/lifecycle.hpp's, the code of
// `airlock renew|rehost|revocations`; the pages only read forms and show what those decided.
#include <map>

#include "cli/diagnostics.hpp"
#include "console/actions.hpp"

namespace airlock::console {
namespace {

[[noreturn]] void bad_input(const std::string& message) { throw cli::failure(cli::exit_bad_input, message); }

// --- re-host ------------------------------------------------------------------------------------------

std::string rehost_form_body(const std::string& csrf_token) {
  return "<p>Upload the re-host request the customer made on the new machine with <code>airlock-hwid request "
         "--rehost LICENSE</code>: it names the license it replaces. The next page shows what changed per class "
         "and the re-host budget (" +
         std::to_string(generator::default_rehost_budget) +
         " in 365 days along the license's chain) before anything is signed. Re-hosting issues the successor for "
         "the new machine and revokes the old license: then sign the product's next list on the <a "
         "href=\"/revocations\">Revocations</a> page, so the old license stops where the list reaches.</p>"
         "<form method=\"post\" action=\"/rehost/preview\" enctype=\"multipart/form-data\">" +
         csrf_field(csrf_token) +
         "<p><label>Re-host request <input type=\"file\" name=\"request\" required></label></p>"
         "<p><button type=\"submit\">Preview</button></p></form>";
}

std::string rehost_preview_body(const uploaded_request& u, const generator::rehost_plan& plan,
                                const std::string& csrf_token) {
  const ledger::entry& was = plan.was;
  std::string body = "<h2>The license it replaces</h2><table>";
  const std::pair<const char*, std::string> fields[] = {
      {"license", license_link(was.license_id)},      {"licensee", html_escape(was.licensee)},
      {"product", html_escape(was.product)},          {"issued", format::to_string(was.issued)},
      {"expires", date_or(was.expires, "perpetual")}, {"request", html_escape(u.name)}};
  for (const auto& [name, value] : fields) body += std::string("<tr><th>") + name + "</th><td>" + value + "</td></tr>";
  body += "</table><h2>What changed</h2><table>" + header_row({"class", "change"});
  for (const auto& c : plan.difference)
    body += row({html_escape(format::to_string(c.component)), html_escape(c.change)});
  body += "</table><h2>Budget</h2><p class=\"budget\">Re-hosts along this license's chain in the last 365 days: " +
          std::to_string(plan.used) + " of " + std::to_string(plan.budget) + ".</p>";
  body += "<form method=\"post\" action=\"/rehost\" enctype=\"multipart/form-data\">" + csrf_field(csrf_token) +
          hidden_field("request_text", format::normalize_line_endings(u.text)) + hidden_field("request_name", u.name);
  if (!plan.within_budget())
    body +=
        "<p class=\"error\">Over budget: re-hosting again needs a reason, which the ledger keeps.</p>"
        "<p><label><input type=\"checkbox\" name=\"force\" value=\"yes\"> force the re-host beyond the budget"
        "</label></p><p><label>Reason (no personal data) <input name=\"reason\" maxlength=\"200\"></label></p>";
  return body +
         "<p><button type=\"submit\">Re-host and revoke the old license</button> <a href=\"/rehost\">Start "
         "again</a></p></form>";
}

// --- revocation lists ---------------------------------------------------------------------------------

struct product_lists {
  std::size_t revoked = 0;
  std::int64_t last_sequence = 0;
};

std::map<std::string, product_lists> products_of(app& a) {
  return a.locked([](ledger::ledger& book) {
    std::map<std::string, product_lists> out;
    for (const auto& e : book.entries()) out[e.product];
    for (auto& [product, lists] : out)
      lists = {book.revoked_ids(product).size(), book.last_revocation_sequence(product)};
    return out;
  });
}

std::string revocations_body(app& a, const std::string& csrf_token) {
  std::string body =
      "<p>A product's revocation list names every license the ledger records as revoked (but those expired more "
      "than a year ago), with the next sequence number; the customer gives it to the product with the license "
      "(<code>airlock-verify --revocations FILE</code>). Signing records the number first, so a number is never "
      "used twice.</p><table>" +
      header_row({"product", "revoked licenses", "last list", "sign"});
  for (const auto& [product, lists] : products_of(a)) {
    const std::string next = std::to_string(lists.last_sequence + 1);
    body += row({html_escape(product), std::to_string(lists.revoked),
                 lists.last_sequence ? std::to_string(lists.last_sequence) : std::string("none"),
                 "<form class=\"inline\" method=\"post\" action=\"/revocations\">" + csrf_field(csrf_token) +
                     hidden_field("product", product) + "<button type=\"submit\">Sign and download list " + next +
                     "</button></form>"});
  }
  return body + "</table>";
}

}  // namespace

void install_lifecycle_pages(httplib::Server& server, app& a) {
  server.Post(R"(/license/([^/]+)/renew)", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const auto e = a.find(req.matches[1]);
      if (!e) return a.not_found(res, w);
      try {
        see_other(res, "/license/" + renew_license(a, e->license_id, renewal_from(req), w.session.operator_name));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not renewed", problem.what(), "/license/" + e->license_id);
      }
    });
  });
  server.Get("/rehost", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res,
                   [&](const app::who& w) { a.show(res, w, 200, "Re-host", rehost_form_body(w.session.csrf_token)); });
  });
  server.Post("/rehost/preview", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        const uploaded_request u = uploaded_request_of(req);
        const auto plan = plan_rehost_of(a, u);
        a.show(res, w, 200, "Re-host preview", rehost_preview_body(u, plan, w.session.csrf_token));
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not re-hosted", problem.what(), "/rehost");
      }
    });
  });
  server.Post("/rehost", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      try {
        const auto plan = rehost_license(a, uploaded_request_of(req), !form_field(req, "force").empty(),
                                         form_field(req, "reason"), w.session.operator_name);
        see_other(res, "/license/" + plan.next.id);
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "Not re-hosted", problem.what(), "/rehost");
      }
    });
  });
  server.Get("/revocations", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      a.show(res, w, 200, "Revocation lists", revocations_body(a, w.session.csrf_token));
    });
  });
  server.Post("/revocations", [&a](const httplib::Request& req, httplib::Response& res) {
    a.with_session(req, res, [&](const app::who& w) {
      const std::string product = form_field(req, "product");
      try {
        if (!one_line_text(product, 128)) bad_input("choose a product");
        const signed_list s = sign_revocation_list(a, product, w.session.operator_name);
        res.set_header("Content-Disposition", "attachment; filename=\"revoked-" + file_name_part(product) + "-" +
                                                  std::to_string(s.list.sequence) + ".toml\"");
        res.set_content(s.text, "application/toml");
      } catch (const cli::failure& problem) {
        a.show_error(res, w, 400, "No list signed", problem.what(), "/revocations");
      }
    });
  });
}

}  // namespace airlock::console
