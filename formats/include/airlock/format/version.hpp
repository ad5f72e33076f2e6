// SPDX-License-Identifier: MIT
// The one place that says which Airlock release this is.
#ifndef AIRLOCK_VERSION_HPP
#define AIRLOCK_VERSION_HPP

namespace airlock {

inline constexpr const char* version_string = "0.1.0";

}  // namespace airlock

#endif
