// sd_notify(3) messages for Type=notify: READY, RELOADING, STOPPING, STATUS and WATCHDOG.
// Without NOTIFY_SOCKET (not run by systemd) every call is a no-op.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace qi::daemon {

class SystemdNotifier {
 public:
  void ready(const std::string& status);
  void reloading();
  void stopping();
  void status(const std::string& status);
  void watchdog();

  // Half of WATCHDOG_USEC when systemd asks for keep-alive pings.
  static std::optional<std::chrono::microseconds> watchdog_interval();

 private:
  void send(const std::string& message);
};

}  // namespace qi::daemon
