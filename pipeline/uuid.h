// uuid.h: SHA-1 and name-based UUIDs (RFC 4122 version 5), for
// deterministic STIX / MISP ids.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ttptag {

std::array<uint8_t, 20> sha1(std::string_view data);
std::string sha1_hex(std::string_view data);

// UUIDv5 of `name` in `namespace_uuid` ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
// lower or upper case hex). Returns "" if the namespace does not parse.
std::string uuid5(std::string_view namespace_uuid, std::string_view name);

// RFC 4122 namespace for DNS names (for tests and reference).
inline constexpr std::string_view kNamespaceDns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
// ttptag's own namespace for the ids of objects it creates.
inline constexpr std::string_view kTtptagNamespace = "5f0e6a1c-8d2b-4b7e-9a41-7d3c2e9b1f60";

}  // namespace ttptag
