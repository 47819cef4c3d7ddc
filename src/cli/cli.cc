#include "cli/cli.h"

namespace newsvault::cli {
int run(int, char**) { return kExitOk; }
}  // namespace newsvault::cli
