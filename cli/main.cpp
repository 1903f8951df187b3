// koe: the command line. Parses arguments and calls the libraries; nothing else lives here.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"koe (声): routes citizen voices to a city's plan projects and searches the plans"};
  app.require_subcommand(1);
  koe::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return koe::cli::exit_code();
}
