// SPDX-License-Identifier: MIT
// Everything in airlock/format: the license, the activation request and the public-key file.
#ifndef AIRLOCK_FORMAT_FORMAT_HPP
#define AIRLOCK_FORMAT_FORMAT_HPP

#include "airlock/format/encoding.hpp"
#include "airlock/format/envelope.hpp"
#include "airlock/format/license.hpp"
#include "airlock/format/license_body.hpp"
#include "airlock/format/machine.hpp"
#include "airlock/format/match.hpp"
#include "airlock/format/pem.hpp"
#include "airlock/format/request.hpp"
#include "airlock/format/result.hpp"
#include "airlock/format/time.hpp"
#include "airlock/format/version.hpp"
#include "airlock/format/writers.hpp"

#endif  // AIRLOCK_FORMAT_FORMAT_HPP
