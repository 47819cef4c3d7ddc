// cli: the `newsvault` command line. Parses arguments, runs one
// sub-command, prints results on stdout and errors on stderr.
#ifndef NEWSVAULT_CLI_CLI_H_
#define NEWSVAULT_CLI_CLI_H_

namespace newsvault::cli {

// Exit statuses, documented in README.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (unreadable input, ...)
inline constexpr int kExitUsage = 2;    // the command line itself is wrong
inline constexpr int kExitSomeFeedsFailed = 3;  // fetch ran, but some feeds or articles failed
// The archive is written, but a commit or a push failed: it is kept and
// tried again by the next run.
inline constexpr int kExitPublishFailed = 4;

// `check` found errors in the archive (warnings alone leave the status 0).
inline constexpr int kExitArchiveDamaged = 5;

// A feed named on the command line (pause, resume, remove, fetch NAME) is
// not one of the archive's.
inline constexpr int kExitNoSuchFeed = 6;

// `publish`: another process is publishing from the same store (without
// --wait); nothing was written.
inline constexpr int kExitAnotherPublisher = 7;

// Runs the command line; returns the process exit status.
int run(int argc, char** argv);

}  // namespace newsvault::cli

#endif  // NEWSVAULT_CLI_CLI_H_
