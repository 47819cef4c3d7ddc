#include "cli/cli.h"

int main(int argc, char** argv) { return newsvault::cli::run(argc, argv); }
