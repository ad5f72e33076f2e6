// SPDX-License-Identifier: MIT
// HTML text for the tools that write HTML (the privacy notice, the console): one escaping function.
#ifndef AIRLOCK_CLI_HTML_HPP
#define AIRLOCK_CLI_HTML_HPP

#include <string>
#include <string_view>

namespace airlock::cli {

// & < > " ' become entities, and control characters other than tab and newline become U+FFFD, so a
// value is text in an element and in a double-quoted attribute alike.
std::string html_escape(std::string_view text);

}  // namespace airlock::cli

#endif
