/// @file varint.hpp
/// @brief Unsigned LEB128 integers, as the compact strings koe stores in the index write
/// their lengths and offsets (term spans, section records).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace koe::varint {

inline void put(std::string& out, std::size_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

/// Reads a varint at `at` and moves past it; false when the string ends inside it or it
/// overflows.
inline bool get(std::string_view in, std::size_t& at, std::size_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 8 * sizeof(std::size_t); shift += 7) {
    if (at >= in.size()) return false;
    const auto byte = static_cast<unsigned char>(in[at++]);
    v |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace koe::varint
