# SPDX-License-Identifier: MIT
# Prints every leaf of a TOML file, as parsed by Python's tomllib, one "path type value" per line
# (strings as UTF-8 hex, so that any character survives). The format tests compare this with what
# airlock's parser and toml++ read from the same file.
import datetime
import sys
import tomllib


def emit(path, value, out):
    name = ".".join(path)
    if isinstance(value, dict):
        for key, item in value.items():
            emit(path + [key], item, out)
    elif isinstance(value, list):
        out.append(f"{name} array {len(value)}")
        for index, item in enumerate(value):
            emit(path + [str(index)], item, out)
    elif isinstance(value, bool):
        out.append(f"{name} bool {'true' if value else 'false'}")
    elif isinstance(value, int):
        out.append(f"{name} int {value}")
    elif isinstance(value, str):
        out.append(f"{name} string {value.encode('utf-8').hex()}")
    elif isinstance(value, datetime.datetime):
        if value.utcoffset() != datetime.timedelta(0):
            out.append(f"{name} non-utc-datetime {value.isoformat()}")
        else:
            # strftime('%Y') drops the leading zeros of years before 1000, hence the explicit widths.
            stamp = (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
                     f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z")
            out.append(f"{name} datetime {stamp}")
    elif isinstance(value, datetime.date):
        out.append(f"{name} date {value.isoformat()}")
    else:
        out.append(f"{name} other {type(value).__name__}")


with open(sys.argv[1], "rb") as handle:
    lines = []
    emit([], tomllib.load(handle), lines)
print("\n".join(sorted(lines)))
