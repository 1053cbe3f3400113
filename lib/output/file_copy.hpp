// Copying bytes between open files without passing them through our own buffers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

namespace qi::output {

// Appends the first `length` bytes of `from_fd` (read from offset 0, its file offset untouched) at
// the current file offset of `to_fd`, advancing it. Uses copy_file_range(2) (which can share
// extents on the same file system) and falls back to pread/write where the kernel or the file
// system cannot. Throws FatalError naming `to_path` ("disk full writing ..." for ENOSPC/EDQUOT).
void append_file_contents(int from_fd, std::uint64_t length, int to_fd,
                          const std::filesystem::path& to_path);

// Calls `piece` with the first `length` bytes of `fd` (read from offset 0, its file offset
// untouched) in order, in pieces of up to 1 MiB. Throws FatalError naming `path` when they cannot
// be read.
void read_file_range(int fd, std::uint64_t length, const std::filesystem::path& path,
                     const std::function<void(std::string_view piece)>& piece);

// An unnamed file in `dir` for temporary data (O_TMPFILE; on file systems without it, a named
// file that is unlinked at once): it never shows in the directory and disappears with its
// descriptor, even after a crash. Returns the descriptor (close-on-exec). Throws FatalError.
int open_unnamed_temp_file(const std::filesystem::path& dir);

}  // namespace qi::output
