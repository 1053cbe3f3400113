#include "output/content_tap.hpp"

#include <openssl/evp.h>

#include "common/error.hpp"

namespace qi::output {

void Sha256::Free::operator()(evp_md_ctx_st* context) const noexcept {
  EVP_MD_CTX_free(context);
}

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  restart();
}

void Sha256::restart() {
  if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
    throw FatalError("cannot start SHA-256");
  }
}

void Sha256::consume(std::string_view bytes) {
  EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size());
}

std::string Sha256::hex() const {
  // Finished on a copy, so that more bytes can still follow.
  std::unique_ptr<evp_md_ctx_st, Free> copy(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), context_.get()) != 1 ||
      EVP_DigestFinal_ex(copy.get(), digest, &length) != 1) {
    throw FatalError("cannot finish SHA-256");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text.push_back(kHex[digest[i] >> 4]);
    text.push_back(kHex[digest[i] & 15]);
  }
  return text;
}

void RowTap::consume(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      carry_.append(bytes);
      return;
    }
    std::string_view line = bytes.substr(0, newline);
    if (!carry_.empty()) {
      carry_.append(line);
      line = carry_;
    }
    if (in_header_) {
      in_header_ = false;
    } else {
      row(line);
    }
    carry_.clear();
    bytes.remove_prefix(newline + 1);
  }
}

void RowTap::restart() {
  carry_.clear();
  in_header_ = true;
  clear();
}

}  // namespace qi::output
