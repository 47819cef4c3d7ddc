// Private to the extract stage: the mappings shipped with newsvault.
#ifndef NEWSVAULT_EXTRACT_BUILTIN_ADAPTERS_H_
#define NEWSVAULT_EXTRACT_BUILTIN_ADAPTERS_H_

#include <optional>
#include <string_view>

namespace newsvault::extract {

// The JSON text of the named built-in mapping, or nullopt.
std::optional<std::string_view> builtin_adapter_mapping(std::string_view name);

}  // namespace newsvault::extract

#endif  // NEWSVAULT_EXTRACT_BUILTIN_ADAPTERS_H_
