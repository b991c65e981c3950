#include "server/request_parts.h"

#include <gtest/gtest.h>

namespace drux {
namespace {

TEST(RequestParts, ReadsPathQueryAndCookies) {
  EXPECT_EQ(PathOf("/api/x?y=1"), "/api/x");
  EXPECT_EQ(QueryParam("/e?a=1&last_event_id=42", "last_event_id"), "42");
  EXPECT_EQ(QueryParam("/e?a=%2Fb", "a"), "/b");
  EXPECT_EQ(QueryParam("/e", "a"), "");
  HttpRequest request;
  request.set(http::field::cookie, "a=1; drux_session=tok; drux_csrf=c");
  EXPECT_EQ(CookieValue(request, "drux_session"), "tok");
  EXPECT_EQ(CookieValue(request, "drux_csrf"), "c");
  EXPECT_EQ(CookieValue(request, "missing"), "");
  request.set(http::field::authorization, "Bearer drux_abc");
  EXPECT_EQ(BearerToken(request), "drux_abc");
  EXPECT_FALSE(PercentDecode("%4").has_value());
  EXPECT_EQ(PercentDecode("%2e%2E"), "..");
}

}  // namespace
}  // namespace drux
