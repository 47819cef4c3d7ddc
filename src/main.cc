#include <mimalloc.h>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // The allocator's memory in 2 MB pages (transparent huge pages, where the
  // kernel gives them on request): a fetch run touches hundreds of MB, and
  // one fault per 4 KB page was a fifth of its time on a virtual machine.
  mi_option_enable(mi_option_large_os_pages);
  return newsvault::cli::run(argc, argv);
}
