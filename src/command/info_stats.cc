// INFO commandstats, errorstats, latencystats (Redis 7.0's formats) and locknode's # Locks.
#include <cmath>
#include <cstdio>
#include <string>

#include "locknode/command/shard.h"

#include "command/info_text.h"

namespace locknode::command {
namespace {

// Redis latency-tracking-info-percentiles' default.
constexpr double kPercentiles[] = {50.0, 99.0, 99.9};

// Redis fillPercentileDistributionLatencies prints the percentile with "%f" and trims the
// trailing zeros and dot: "p50", "p99.9".
std::string PercentileName(double p) {
  std::string text = Fixed(p, 6);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return "p" + text;
}

// "p50=1.003,p99=2.007,p99.9=2.007": values divided by `divisor`, three decimals (Redis
// divides its nanosecond histogram by 1000 to print microseconds).
std::string Percentiles(const LatencyHistogram& h, double divisor) {
  std::string text;
  for (const double p : kPercentiles) {
    if (!text.empty()) text += ",";
    text +=
        PercentileName(p) + "=" + Fixed(static_cast<double>(h.ValueAtPercentile(p)) / divisor, 3);
  }
  return text;
}

}  // namespace

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// Redis lists only commands that were called or refused, in its dict's order (ours: the
// table's). usec is the total time in the handler; usec_per_call its mean with two decimals.
void AddCommandStats(CommandContext& ctx, InfoText& info) {
  info.Header("Commandstats");
  ctx.shard.command_stats().ForEach([&](const std::string& name, const CommandCounters& c) {
    if (c.calls == 0 && c.failed == 0 && c.rejected == 0) return;
    const uint64_t usec = c.ns / 1000;
    const double per_call =
        c.calls == 0 ? 0.0 : static_cast<double>(usec) / static_cast<double>(c.calls);
    info.Line("cmdstat_" + name, "calls=" + std::to_string(c.calls) + ",usec=" +
                                     std::to_string(usec) + ",usec_per_call=" + Fixed(per_call, 2) +
                                     ",rejected_calls=" + std::to_string(c.rejected) +
                                     ",failed_calls=" + std::to_string(c.failed));
  });
}

void AddErrorStats(CommandContext& ctx, InfoText& info) {
  info.Header("Errorstats");
  for (const auto& [code, count] : ctx.shard.error_stats().by_code()) {
    info.Line("errorstat_" + code, "count=" + std::to_string(count));
  }
}

void AddLatencyStats(CommandContext& ctx, InfoText& info) {
  info.Header("Latencystats");
  ctx.shard.command_stats().ForEach([&](const std::string& name, const CommandCounters& c) {
    if (c.latency == nullptr) return;
    info.Line("latency_percentiles_usec_" + name, Percentiles(*c.latency, 1000.0));
  });
}

// README "Operating" says what each field means and what to alert on.
void AddLocks(CommandContext& ctx, InfoText& info) {
  const LockStats& l = ctx.shard.lock_stats();
  const keyspace::Keyspace& ks = ctx.shard.keyspace();
  const LeaseGuard& lease = ctx.shard.lease();
  info.Header("Locks");
  info.Line("lock_acquired", l.acquired);
  info.Line("lock_acquire_refused", l.refused);
  info.Line("lock_released", l.released);
  info.Line("lock_release_missed", l.release_missed);
  info.Line("lock_extended", l.extended);
  info.Line("lock_extend_missed", l.extend_missed);
  info.Line("lock_expired", ks.expired_strings_total());
  info.Line("lock_held", static_cast<uint64_t>(ks.expires_count()));
  // One number per line (not Redis's "p50=...,p99=..." list) so that every field is a plain
  // gauge for tools that read INFO (prometheus-redis-exporter's script hook: README).
  info.Line("lock_release_margin_ms_p50", l.release_margin_ms.ValueAtPercentile(50));
  info.Line("lock_release_margin_ms_p99", l.release_margin_ms.ValueAtPercentile(99));
  info.Line("lock_release_margin_ms_p999", l.release_margin_ms.ValueAtPercentile(99.9));
  info.Line("lock_quarantines", lease.quarantine_ms() > 0 ? 1 : 0);
  info.Line("lock_quarantine_ms", lease.quarantine_ms());
  info.Line("lock_quarantine_remaining_ms", lease.QuarantineRemaining(ctx.now));
}

}  // namespace locknode::command
