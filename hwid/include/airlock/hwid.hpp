// SPDX-License-Identifier: MIT
// Umbrella header of the hardware fingerprint: collection, environment and the data model.
#ifndef AIRLOCK_HWID_HPP
#define AIRLOCK_HWID_HPP

#include "airlock/hwid/canonical.hpp"
#include "airlock/hwid/collect.hpp"
#include "airlock/hwid/hash.hpp"
#include "airlock/hwid/probes.hpp"
#include "airlock/hwid/snapshot.hpp"

#endif  // AIRLOCK_HWID_HPP
