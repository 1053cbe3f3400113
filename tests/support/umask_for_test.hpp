// Sets the process umask for one test and puts the previous one back (tests of the modes the
// daemon gives its files whatever the umask it was started with).
#pragma once

#include <sys/stat.h>

namespace qi::testing {

class UmaskForTest {
 public:
  explicit UmaskForTest(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskForTest() { ::umask(previous_); }
  UmaskForTest(const UmaskForTest&) = delete;
  UmaskForTest& operator=(const UmaskForTest&) = delete;

 private:
  mode_t previous_;
};

}  // namespace qi::testing
