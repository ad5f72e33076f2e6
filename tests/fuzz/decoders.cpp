// SPDX-License-Identifier: MIT
// PEM, base64, hex and UTF-8 decoding; the first byte picks the decoder. Decoders must reject
// non-canonical spellings (FORMAT.md 1), so whatever decodes must encode back to the same text.
#include <cstdlib>

#include "airlock/format/encoding.hpp"
#include "airlock/format/pem.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace f = airlock::format;
  if (size == 0) return 0;
  const std::string_view text = airlock::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: (void)f::public_key_from_pem(text); break;
    case 1:
      if (const auto bytes = f::base64_decode(text)) {
        if (f::base64_encode(bytes->data(), bytes->size()) != text) std::abort();
      }
      break;
    case 2:
      if (const auto bytes = f::hex_decode(text)) {
        if (f::hex_encode(bytes->data(), bytes->size()) != text) std::abort();
      }
      break;
    default: (void)f::is_valid_utf8(text); break;
  }
  return 0;
}
