// The default command: run as a daemon in the foreground (systemd starts it so).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "commands.hpp"
#include "loaded_config.hpp"
#include "service.hpp"

namespace qi::daemon {

int daemon_command(const CommandLine& line) {
  auto loaded = load_everything(line.config);
  boost::asio::io_context io;
  Service service(io, line.config, std::move(loaded));
  std::exception_ptr failure;
  boost::asio::co_spawn(io, service.run(), [&](std::exception_ptr error) { failure = error; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return kExitOk;
}

}  // namespace qi::daemon
