#pragma once

// Random command sequences for the differential tests of the collection families: each case is
// `steps` commands drawn from generators over the harness's few keys (kDiffKeys), so sorted
// sets, lists, sets and strings collide on the same keys (WRONGTYPE) and collections grow,
// shrink and vanish. Seeds are fixed, so a failure names a reproducible case.

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {

using Rng = std::mt19937;
using StepGen = std::function<std::vector<std::string>(Rng&)>;

inline const std::string& Pick(Rng& rng, const std::vector<std::string>& from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
}
inline bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; }
// One of the keys the harness deletes before every case.
inline const std::string& AnyKey(Rng& rng) {
  static const std::vector<std::string> keys = {"k", "k2", "k3"};
  return Pick(rng, keys);
}
// `args` with each of `optional` appended with probability `p`, in order.
inline std::vector<std::string> WithSome(Rng& rng, std::vector<std::string> args,
                                         const std::vector<std::string>& optional, double p = 0.3) {
  for (const std::string& o : optional) {
    if (Chance(rng, p)) args.push_back(o);
  }
  return args;
}

// `cases` cases named "<name> <seed>.<i>" of `steps` commands each; RESP3 cases start with
// HELLO 3.
inline std::vector<DiffCase> RandomCases(const std::string& name, uint32_t seed, int cases,
                                         int steps, const std::vector<StepGen>& gens, bool resp3) {
  Rng rng(seed);
  std::vector<DiffCase> out;
  for (int c = 0; c < cases; ++c) {
    DiffCase dc{
        name + (resp3 ? " resp3 " : " resp2 ") + std::to_string(seed) + "." + std::to_string(c),
        {}};
    if (resp3) dc.steps.push_back(Hello({"HELLO", "3"}));
    for (int s = 0; s < steps; ++s) {
      const auto& gen = gens[std::uniform_int_distribution<size_t>(0, gens.size() - 1)(rng)];
      dc.steps.push_back(NoTtl(Cmd(gen(rng))));
    }
    out.push_back(std::move(dc));
  }
  return out;
}

// Commands of other kinds on the same keys (type collisions), and a look at the key.
inline std::vector<StepGen> ForeignSteps() {
  return {
      [](Rng& r) {
        return std::vector<std::string>{"SET", AnyKey(r), "v"};
      },
      [](Rng& r) {
        return std::vector<std::string>{"DEL", AnyKey(r)};
      },
      [](Rng& r) {
        return std::vector<std::string>{"TYPE", AnyKey(r)};
      },
      [](Rng& r) {
        return std::vector<std::string>{"OBJECT", "ENCODING", AnyKey(r)};
      },
      [](Rng& r) {
        return std::vector<std::string>{"GET", AnyKey(r)};
      },
      [](Rng& r) {
        return std::vector<std::string>{"EXISTS", AnyKey(r)};
      },
  };
}

}  // namespace locknode::test
