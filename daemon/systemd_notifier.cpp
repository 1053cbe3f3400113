#include "systemd_notifier.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

namespace qi::daemon {

void SystemdNotifier::send(const std::string& message) {
  ::sd_notify(0, message.c_str());
}

void SystemdNotifier::ready(const std::string& status) {
  send("READY=1\nSTATUS=" + status);
}

void SystemdNotifier::reloading() {
  // MONOTONIC_USEC lets systemd ≥ 253 match RELOADING=1 to this reload (Type=notify-reload).
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() {
  send("STOPPING=1");
}

void SystemdNotifier::status(const std::string& status) {
  send("STATUS=" + status);
}

void SystemdNotifier::watchdog() {
  send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() {
  uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace qi::daemon
