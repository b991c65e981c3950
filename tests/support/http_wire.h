// The HTTP/1.1 wire handling the loopback test servers share: reading one request from a
// socket and writing bytes to it. Deliberately plain; only for servers tests start.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace drux::test {

struct HttpRequest {
  std::string method;
  std::string target;                          // as sent, query string included
  std::map<std::string, std::string> headers;  // names in lower case, values trimmed
  std::string body;                            // Content-Length bytes; empty without one
};

// Reads one request: its head and, when it has a Content-Length, its body, answering
// "Expect: 100-continue" first. False when the client went away or sent something
// unusable (a head over 64 KiB, a malformed request line or Content-Length).
bool ReadHttpRequest(int socket, HttpRequest& request);

// Writes all of bytes; false when the peer went away first. Never raises SIGPIPE.
bool SendAll(int socket, std::string_view bytes);

// text with ASCII letters in lower case, as header names are compared.
std::string LowercaseAscii(std::string text);

}  // namespace drux::test
