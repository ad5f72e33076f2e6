// SPDX-License-Identifier: MIT
// The console's pieces in-process: the one escaping function, and the password hashes of keys/.
#include <catch2/catch.hpp>

#include "console/html.hpp"
#include "keys/password.hpp"

TEST_CASE("html_escape turns every markup character into an entity", "[console][escaping]") {
  CHECK(airlock::cli::html_escape("<a href=\"x\" title='y'>&</a>") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
}

TEST_CASE("html_escape replaces control characters and keeps UTF-8 text", "[console][escaping]") {
  CHECK(airlock::cli::html_escape(std::string("a\x01"
                                              "b\x7f"
                                              "c\td\n",
                                              8)) ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD"
        "c\td\n");
  CHECK(airlock::cli::html_escape("Grüße, 東京") == "Grüße, 東京");
}

TEST_CASE("a password hash is Argon2id and checks only its own password", "[console][keys]") {
  const std::string hash = airlock::keys::hash_password("correct horse battery staple");
  CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(airlock::keys::check_password("correct horse battery staple", hash));
  CHECK(!airlock::keys::check_password("correct horse battery stapl", hash));
  CHECK(!airlock::keys::check_password("", hash));
}

TEST_CASE("two hashes of one password differ (a random salt each)", "[console][keys]") {
  CHECK(airlock::keys::hash_password("same password here") != airlock::keys::hash_password("same password here"));
}

TEST_CASE("a stored hash that is not Argon2id never checks", "[console][keys]") {
  CHECK(!airlock::keys::check_password("x", ""));
  CHECK(!airlock::keys::check_password("x", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA"));
  CHECK(!airlock::keys::check_password("x", "$argon2id$garbage"));
}

TEST_CASE("random tokens are hex of the asked length and differ", "[console][keys]") {
  const std::string a = airlock::keys::random_hex(32), b = airlock::keys::random_hex(32);
  CHECK(a.size() == 64);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a != b);
}
