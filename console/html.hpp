// SPDX-License-Identifier: MIT
// The console's HTML: the page frame, its CSRF field, its table pieces, its stylesheet and script.
#ifndef AIRLOCK_CONSOLE_HTML_HPP
#define AIRLOCK_CONSOLE_HTML_HPP

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airlock/format/time.hpp"

#include "cli/html.hpp"

namespace airlock::console {

// Every value a page shows goes through the tools' one HTML escaping function.
using cli::html_escape;

// A whole page: the title (escaped here), the navigation when an operator is logged in (empty name:
// none), and `body`, which the caller built from escaped values.
std::string page(std::string_view title, std::string_view operator_name, std::string_view csrf_token,
                 const std::string& body);

// A whole page of the customer portal: its own navigation for a logged-in customer (empty name:
// none), never the operators' links.
std::string portal_page(std::string_view title, std::string_view customer_name, std::string_view csrf_token,
                        const std::string& body);

// <input type="hidden" name="csrf" ...>: every form carries it.
std::string csrf_field(std::string_view csrf_token);

// <input type="hidden">, the value escaped.
std::string hidden_field(const char* name, const std::string& value);

// A table row of cells the caller escaped, and a header row of fixed labels.
std::string row(std::initializer_list<std::string> cells);
std::string header_row(std::initializer_list<const char*> cells);

// A link to the license's page, the id escaped.
std::string license_link(const std::string& id);

std::string date_or(const std::optional<format::date>& d, const char* otherwise);
std::string joined(const std::vector<std::string>& items, const char* sep);

// The stylesheet and the script the pages load from /static/ (no inline script or style: the
// Content-Security-Policy allows only these two files of the console's own).
extern const char stylesheet[];
extern const char script[];

}  // namespace airlock::console

#endif
