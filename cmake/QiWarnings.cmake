# Compiler warnings, per target. Every target of ours (lib/, daemon/, tools/, tests/, fuzz/) links
# qi_warnings PRIVATE; qi_apply_warnings() at the end of the top-level CMakeLists.txt does it for
# every target defined there, so a new target cannot be forgotten.
# Third-party headers (Boost, spdlog, yaml-cpp, RapidJSON, libxml2, date, gtest) come in through
# imported targets or SYSTEM include directories, so their own code is not held to our set.

add_library(qi_warnings INTERFACE)
# The order of the flags is the order they had when the stricter four came on top of the old set;
# keeping it keeps everybody's compiler cache valid.
target_compile_options(qi_warnings INTERFACE
  -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
  # GCC's -Wconversion leaves signed/unsigned conversions out in C++, clang's includes them
  # (-Wsign-conversion): both compilers check the same set.
  $<$<CXX_COMPILER_ID:Clang>:-Wno-sign-conversion>
  -Wall -Wextra -Wpedantic
  # GCC 12 at -O2 reports Asio's awaitable frame allocator (operator new/delete of the coroutine
  # frame) as mismatched: a known false positive (GCC PR 109224).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>
  # RapidJSON 1.1.0's member iterators make C++20's reversed ==/!= ambiguous for clang 14.
  $<$<CXX_COMPILER_ID:Clang>:-Wno-ambiguous-reversed-operator>
  $<$<BOOL:${QI_WERROR}>:-Werror>)

# Links qi_warnings PRIVATE into every compiled target defined in `dir` and the directories below
# it.
function(qi_apply_warnings dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|MODULE_LIBRARY)$")
      continue()
    endif()
    target_link_libraries(${target} PRIVATE qi_warnings)
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    qi_apply_warnings(${subdir})
  endforeach()
endfunction()
