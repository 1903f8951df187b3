/// @file commands.hpp
/// @brief The `koe` subcommands: argument parsing only, each calls into a library.
#pragma once

#include <CLI/CLI.hpp>

namespace koe::cli {

void register_commands(CLI::App& app);
/// The exit code the chosen subcommand asked for.
int exit_code();

}  // namespace koe::cli
