#include "server/metrics.h"

#include <cstdio>

namespace drux {
namespace {

const std::vector<double> kRequestBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};
const std::vector<double> kMemberBounds = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

// A label value in Prometheus' text format: backslash, quote and newline escaped.
std::string LabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

std::string Histogram::Render(const std::string& name, const std::string& labels) const {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  std::string out;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_.size() ? Number(bounds_[i]) : "+Inf";
    out += name + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + Number(sum_) + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_) + "\n";
  return out;
}

Metrics::Metrics() : request_duration_(kRequestBounds) {}

void Metrics::RecordRequest(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  request_duration_.Observe(seconds);
}

void Metrics::RecordMemberAnswer(const std::string& model, double seconds, int tokens) {
  std::lock_guard lock(mutex_);
  member_latency_.try_emplace(model, kMemberBounds).first->second.Observe(seconds);
  member_tokens_[model] += static_cast<std::uint64_t>(tokens > 0 ? tokens : 0);
}

void Metrics::RecordMemberError(const std::string& model, const std::string& code) {
  std::lock_guard lock(mutex_);
  ++member_errors_[{model, code}];
}

std::string Metrics::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP drux_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE drux_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "drux_http_requests_total{route=\"" + LabelValue(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP drux_http_request_duration_seconds Time to answer an HTTP request.\n";
  out += "# TYPE drux_http_request_duration_seconds histogram\n";
  out += request_duration_.Render("drux_http_request_duration_seconds", "");
  out += "# HELP drux_questions_in_flight Questions being answered now.\n";
  out += "# TYPE drux_questions_in_flight gauge\n";
  out += "drux_questions_in_flight " + std::to_string(questions_in_flight_.load()) + "\n";
  out += "# HELP drux_member_latency_seconds Time a panel member took to answer.\n";
  out += "# TYPE drux_member_latency_seconds histogram\n";
  for (const auto& [model, histogram] : member_latency_) {
    out += histogram.Render("drux_member_latency_seconds", "model=\"" + LabelValue(model) + "\"");
  }
  out += "# HELP drux_member_tokens_total Tokens panel members generated.\n";
  out += "# TYPE drux_member_tokens_total counter\n";
  for (const auto& [model, tokens] : member_tokens_) {
    out += "drux_member_tokens_total{model=\"" + LabelValue(model) + "\"} " +
           std::to_string(tokens) + "\n";
  }
  out += "# HELP drux_member_errors_total Panel member failures, by error code.\n";
  out += "# TYPE drux_member_errors_total counter\n";
  for (const auto& [key, count] : member_errors_) {
    out += "drux_member_errors_total{model=\"" + LabelValue(key.first) + "\",code=\"" +
           LabelValue(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP drux_sse_clients Open event streams.\n";
  out += "# TYPE drux_sse_clients gauge\n";
  out += "drux_sse_clients " + std::to_string(sse_clients_.load()) + "\n";
  return out;
}

}  // namespace drux
