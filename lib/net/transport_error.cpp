#include "net/transport_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/system_error.hpp>
#include <string>

#include "common/error.hpp"

namespace qi::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

void throw_transport_error(const boost::system::error_code& ec, std::string_view step,
                           std::string_view where) {
  if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
  if (ec == beast::error::timeout) {
    throw TransientError("timed out " + std::string(step) + " " + std::string(where));
  }
  throw TransientError(std::string(step) + " " + std::string(where) + " failed: " + ec.message());
}

bool is_closed_connection_error(const boost::system::error_code& ec) {
  return ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

}  // namespace qi::net
